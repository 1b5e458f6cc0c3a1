"""Supply-side blocks: labour supply, critical inputs, the military sector and civilian production.

Each block is a plain function of named inputs: state carried from the last quarter, this quarter's
exogenous inputs and lever values, the parameters ``p`` (attribute access) and a :class:`~.backend.Backend`
``B``. Values are floats or arrays of shape ``(n,)``. Equation tags are those of ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from twosector.model.backend import Backend

__all__ = [
    "DERIVED", "labour_supply", "critical_inputs", "defence_split", "military", "military_price", "capital_growth",
    "substitution_investment",
    "Technology", "produce", "require", "civilian_supply", "civilian_employment", "civilian_hours",
]

Value = Any  # float or np.ndarray of shape (n,)

#: parameter-only terms of these equations, computed once per run and read as ``p.<name>`` (the engine's
#: :func:`~twosector.model.engine.parameters`); a function of the parameters ``p`` and the backend ``B``
DERIVED: dict[str, Any] = {
    "army_retention": lambda p, B: 1 - p.army_attrition,
    "emigrant_stay": lambda p, B: 1 - p.emigrant_return_rate,
    "skilled_emigrant_lf_share": lambda p, B: p.skilled_share * p.emigrant_lf_share,
    "personnel_share_max": lambda p, B: 1 - p.procurement_floor,
    "soldier_pay_quarter": lambda p, B: p.soldier_pay / 4,
    # the CES exponent of the critical input [C2] [Y3] and its inverse
    "input_rho": lambda p, B: (p.input_elasticity - 1.0) / p.input_elasticity,
    "input_rho_inverse": lambda p, B: 1 / p.input_rho,
    "military_other_share": lambda p, B: 1 - p.critical_input_share_mil,
    "military_labour_share": lambda p, B: 1 - p.military_capital_share,
    "military_labour_exponent": lambda p, B: 1 / p.military_labour_share,
    # the normal utilisation cannot exceed the most the plants can run: with normal > max (both inside their
    # ranges) the hiring target, capped at max utilisation, would shrink the workforce every quarter to nothing
    "military_utilisation_war": lambda p, B: B.minimum(p.military_utilisation_normal, p.military_utilisation_max),
    "military_utilisation_rise": lambda p, B: p.military_utilisation_war - 1,
    "civilian_other_share": lambda p, B: 1 - p.critical_input_share_civ,
    # the labour force's employed shares at the natural and at the lowest unemployment rate
    "employed_natural": lambda p, B: 1 - p.unemployment_natural / 100,
    "employed_most": lambda p, B: 1 - p.unemployment_floor / 100,
    "civilian_labour_share": lambda p, B: 1 - p.capital_share,
    "civilian_labour_exponent": lambda p, B: 1 / p.civilian_labour_share,
    "skilled_extra_loss": lambda p, B: p.skilled_productivity - 1,
    # capacity growth lost per unit of technology drag and quarter [M5]: civilian (exposure 1) and military
    "renewal_loss_civilian": lambda p, B: -p.capital_renewal * 1.0 / 4,
    "renewal_loss_military": lambda p, B: -p.capital_renewal * p.military_tech_exposure / 4,
    "hoarding_rest": lambda p, B: 1 - p.hoarding_speed,
    # civilian capital tied up per unit of the import-substitution stock built [M6]
    "substitution_capital": lambda p, B: -p.critical_input_share_civ * (1 + p.substitute_cost_premium)
    * p.substitution_domestic_share,
}


def labour_supply(
    *, army_w: Value, lost: Value, skilled_x: Value, lf_trend: Value, mobilised: float, recruits: float,
    emigrants: float, ceasefire: float, demobilisation: float, skilled_emigration: float, p: Any,
) -> dict[str, Value]:
    """[N1]-[N5] army, emigration and the labour force (mn persons).

    ``army_w`` is the war-time army stock before demobilisation, ``lost`` the cumulative leavers who do not
    return, ``skilled_x`` the stock of extra (lever-induced) skilled emigrants, all from last quarter.
    """
    army_w = army_w * p.army_retention + (mobilised + recruits) * (1 - ceasefire)
    army = army_w * (1 - demobilisation * ceasefire)
    skilled_x = skilled_x * p.emigrant_stay + skilled_emigration / 4
    em_lf = p.emigrant_lf_share * emigrants + skilled_x
    skilled_lf = p.skilled_emigrant_lf_share * emigrants + skilled_x
    army_out = army + lost  # the army's deduction: personnel and leavers who do not return
    return {
        "army_w": army_w, "army_personnel": army, "skilled_x": skilled_x, "emigrants_lf": em_lf,
        "skilled_emigrants": skilled_lf, "labour_force": lf_trend - army - lost - em_lf,
        "labour_force_trend": lf_trend, "army_losses": lost, "army_out": army_out,
    }


def critical_inputs(
    *, stock: Value, drag: Value, availability: float, input_sanctions: float, secondary_sanctions: float,
    tech_controls: float, unlifted: float, p: Any, B: Backend,
) -> dict[str, Value]:
    """[M1]-[M4] critical imports, the import-substitution stock and the technology drag.

    ``unlifted`` is the share of sanctions not lifted by a ceasefire (1 - relief). The substitution stock is
    domestic capacity built by investment: it grows towards the gap left by missing imports and never shrinks
    (sunk capacity), so lifting sanctions does not undo it; its domestic part takes civilian capital
    (:func:`substitution_investment`, [M6]). Returns the effective critical input
    ``critical_inputs`` (share of pre-war use, at most 1) and its CES power ``m_rho``.
    """
    avail = (1 - (1 - availability) * unlifted) \
        * (1 - p.input_cut_max * (input_sanctions * unlifted)) \
        * (1 - p.secondary_cut_max * (secondary_sanctions * unlifted))
    stock = stock + p.substitution_speed * B.maximum(p.substitution_max * (1 - avail) - stock, 0.0)
    m = B.minimum(avail + stock, 1.0)
    drag = drag + p.tech_adjust * (p.tech_drag_max * (tech_controls * unlifted) - drag)
    return {"critical_availability": avail, "import_substitution": stock, "critical_inputs": m,
            "m_rho": m**p.input_rho, "tech_drag": drag}


def defence_split(
    *, defence: Value, army: Value, price: Value, defence_2021: float, p: Any, B: Backend,
) -> dict[str, Value]:
    """[Y1] defence spending (military expenditure) split into personnel pay and procurement (trn RUB per quarter).

    Personnel pay is the pre-war army's pay (``personnel_share_2021`` of 2021 defence spending) plus the pay
    of the war-time army (``soldier_pay`` per soldier, mn RUB per year at 2021 prices), both indexed to the
    CPI ``price`` (2021 = 1). It reaches households once, as income [W5]. Procurement is the rest, at least
    ``procurement_floor`` of defence spending. ``defence_2021`` is the 2021 quarterly average.
    """
    pay = price * (p.personnel_share_2021 * defence_2021 + p.soldier_pay_quarter * army)
    personnel = B.minimum(pay, p.personnel_share_max * defence)
    return {"personnel_spending": personnel, "procurement": defence - personnel}


def military(
    *, procurement: Value, price_m_prev: Value, capital: Value, employment_prev: Value, utilisation_prev: Value,
    expected_prev: Value,
    m_rho: Value, drag: Value, trend: Value, n0: Value, procurement_2021: float, wartime: float, p: Any, B: Backend,
) -> dict[str, Value]:
    """[Y2]-[Y6] real orders, military capacity, hiring, output and utilisation.

    Production has constant returns: ``output = 100 × u × A × trend × K^a × (N/N0)^(1-a)`` with utilisation ``u``
    relative to pre-war (1 in 2021, at most ``military_utilisation_max``: shifts and spare capacity), military
    capital ``K`` relative to its pre-war trend, employment ``N``, ``A`` the critical-input and technology factor,
    ``trend`` the pre-war potential path (productivity grows as in the civilian sector) and ``N0`` (``n0``) the
    no-war workforce: 2021 employment moving with the trend labour force. Without war, orders that grow with
    potential output need a workforce that grows with the labour force. Output follows orders up to capacity; orders
    beyond it are not delivered (they raise military prices instead). The industry plans its workforce on expected
    orders, which adapt to real orders at ``military_order_adapt`` a quarter (``expected_prev`` is last quarter's
    expectation; annual budgets and multi-year contracts make a quarter's dip in real orders no reason to stop
    hiring): it hires towards the workforce that would produce them at the normal utilisation
    (``military_utilisation_normal``, at most the maximum, from the war's start, ``wartime`` = 1, also after a
    ceasefire: the shifts are organised; 1 before the war): orders above that raise the military price index [Y7].
    Adjustment takes time: employment closes ``military_hiring_speed`` of the gap a quarter, and utilisation rises
    by at most ``military_ramp`` a quarter (new shifts need workers and organisation); it can fall at once.
    """
    q = 100 * procurement / (price_m_prev * procurement_2021)
    om, a, labour = p.critical_input_share_mil, p.military_capital_share, p.military_labour_share
    factor = (p.military_other_share + om * m_rho) ** p.input_rho_inverse * (1 - p.military_tech_exposure * drag) \
        * trend * capital**a
    normal = 1 + wartime * p.military_utilisation_rise
    full_factor = 100 * factor
    full_prev = full_factor * (employment_prev / n0) ** labour
    expected = expected_prev + p.military_order_adapt * (q - expected_prev)
    target = B.minimum(expected, p.military_utilisation_max * full_prev)
    wanted = n0 * B.maximum(target / (100 * normal * factor), 1e-6) ** p.military_labour_exponent
    n = employment_prev + p.military_hiring_speed * (wanted - employment_prev)
    full = full_factor * (n / n0) ** labour  # output at pre-war utilisation
    capacity = B.minimum(p.military_utilisation_max, utilisation_prev + p.military_ramp) * full
    y = B.minimum(q, capacity)
    return {
        "procurement_real": q, "orders_expected": expected, "military_capacity": capacity,
        "military_labour_demand": wanted,
        "employment_military": n, "output_military": y, "military_utilisation": y / full,
        "capital_military": capital, "price_military": price_m_prev, "military_overload": B.log(q / (normal * full)),
        "utilisation_normal": normal,
    }


def military_price(
    *, price_prev: Value, inflation_q: Value, sanctions_cost: Value, markup: Value, markup_prev: Value,
    excess: Value, war: float, p: Any, B: Backend,
) -> Value:
    """[Y7] the military price index: consumer prices, with the sanctions markup at the industry's own cost share.

    From the war's start military prices follow CPI inflation ``inflation_q`` (state orders are indexed to it)
    less the sanctions cost the CPI carries (``markup_pass_through × sanctions_cost`` [P4], at the consumer
    basket's weight), plus the markup on the industry's own critical inputs (cost share
    ``critical_input_share_mil``, passed on in full: cost-plus contracts): the markup is a production cost of
    weapons, so real orders fall with it. ``markup`` and ``markup_prev`` are the markup as these prices carry
    it ([P3a]: a fall reaches them only gradually, as it reaches consumer prices). Orders beyond output at normal
    utilisation (``excess``: the overload where positive, else 0) add ``military_price_pressure``; prices do not
    fall below the CPI path when orders fall short (idle capacity lowers output instead). Before the war prices
    follow the inflation target (the planned indexation), so that the index averages 1 in 2021.
    """
    if war:  # 0/1
        own = 400 * B.log((1 + p.critical_input_share_mil * markup / 100)
                          / (1 + p.critical_input_share_mil * markup_prev / 100))
        pi = inflation_q - p.markup_pass_through * sanctions_cost + own
    else:
        pi = p.inflation_target
    return price_prev * B.exp(pi / 400 + p.military_price_pressure * excess)


def capital_growth(*, drag: Value, loss: Value) -> Value:
    """[M5] the capacity growth technology controls take (log points per quarter, <= 0).

    Each year investment renews ``capital_renewal`` of the capital stock (depreciation plus trend growth); with
    restricted technology (imported machine tools, electronics) the renewal builds ``1 - exposure × drag`` of the
    capacity it would, so the stock grows more slowly for as long as the drag lasts: technology controls
    lower the growth of capacity, not only its productivity. ``loss`` is ``-capital_renewal × exposure / 4`` (a
    quarter's), the exposure 1 for the civilian sector and ``military_tech_exposure`` for the military
    (``p.renewal_loss_civilian``, ``p.renewal_loss_military``).
    """
    return loss * drag


def substitution_investment(*, built: Value, p: Any) -> Value:
    """[M6] the civilian capital that building import substitutes takes (log points per quarter, <= 0).

    The substitution stock [M2] is capacity built by investment, and the civilian sector pays for its domestic
    part. Supplying a share ``built`` of the pre-war critical inputs (cost share ``critical_input_share_civ`` of
    civilian output) at a unit cost ``1 + substitute_cost_premium`` times the import's ties up that cost's share
    of the civilian capital stock (substitute production assumed as capital-intensive as the civilian sector);
    only the share ``substitution_domestic_share`` made at home needs domestic capacity (rerouted and Chinese
    substitutes are bought with export revenue at the markup, [P3] [Y7]). ``built`` is this quarter's growth of
    the stock (never negative: the stock never shrinks); ``p.substitution_capital`` is
    ``-critical_input_share_civ × (1 + substitute_cost_premium) × substitution_domestic_share`` (sources in the
    parameter catalogue: BOFIT's markups on controlled goods, the Gaidar Institute's survey of firms).
    """
    return p.substitution_capital * built


class Technology(NamedTuple):
    """The civilian production function of the quarter [C2]: ``output = base × CES(v, m)``.

    ``p`` holds the critical-input share ``critical_input_share_civ`` (omega), the capital share ``capital_share``
    (alpha) and the CES exponent ``input_rho`` (rho), with their derived terms (:data:`DERIVED`).
    """

    base: Value  # 100 × the pre-war potential path
    l_bar: Value  # no-war civilian employment (mn)
    tfp: Value  # k^alpha × (1 - tech drag)
    skill_loss: Value  # workers lost to skilled emigration beyond their head count
    m_rho: Value  # critical inputs to the CES power
    p: Any  # the parameters


def produce(workers: Value, tech: Technology, B: Backend) -> Value:
    """[C2] civilian output of a labour input (mn persons at normal hours), index level."""
    base, l_bar, tfp, skill_loss, m_rho, p = tech
    v = tfp * (B.maximum(workers - skill_loss, 1e-6) / l_bar) ** p.civilian_labour_share
    return base * (p.civilian_other_share * v**p.input_rho + p.critical_input_share_civ * m_rho) \
        ** p.input_rho_inverse


def require(output: Value, tech: Technology, B: Backend) -> Value:
    """[C3] labour input (mn persons at normal hours) needed for an output level: [C2] inverted."""
    base, l_bar, tfp, skill_loss, m_rho, p = tech
    v = B.maximum(((output / base) ** p.input_rho - p.critical_input_share_civ * m_rho) / p.civilian_other_share,
                  1e-12) ** p.input_rho_inverse
    return l_bar * (v / tfp) ** p.civilian_labour_exponent + skill_loss


def civilian_supply(
    *, labour_force: Value, employment_military: Value, skilled_emigrants: Value, capital: Value,
    tech_drag: Value, m_rho: Value, trend: Value, lockdown: Value, l_bar: Value, p: Any, B: Backend,
) -> dict[str, Any]:
    """[C1]-[C4] civilian potential employment and output, and the most workers the sector can employ.

    The natural and the lowest unemployment rates are ``unemployment_natural`` and ``unemployment_floor`` (%,
    read as ``p.employed_natural`` and ``p.employed_most``: the employed shares of the labour force). ``lockdown`` (% of
    output, <= 0) is the supply side of the COVID shock: lockdowns lowered what firms could produce as well as
    what households bought. Potential output uses
    the workers the labour force leaves at the natural rate after military employment: a smaller labour force
    or more military workers lower it. Returns the quarter's :class:`Technology` under ``"technology"``.
    """
    l_pot = labour_force * p.employed_natural - employment_military
    tech = Technology(
        base=100 * trend * B.exp(lockdown / 100), l_bar=l_bar, tfp=capital**p.capital_share * (1 - tech_drag),
        skill_loss=p.skilled_extra_loss * skilled_emigrants, m_rho=m_rho, p=p,
    )
    return {
        "capital_civilian": capital, "l_pot": l_pot, "n_max": labour_force * p.employed_most - employment_military,
        "technology": tech, "potential_civilian": produce(l_pot, tech, B),
    }


def workforce_drift(*, labour_force: Value, labour_force_prev: Value, army_out: Value, army_out_prev: Value,
                    B: Backend) -> Value:
    """[C5a] the growth factor of last quarter's civilian workforce before any hiring or shedding.

    Workers who leave the labour force (recruits, emigrants, retirees) vacate their jobs. Soldiers coming back
    from the army (net of recruits: ``army_out`` is the labour force's army deduction, army personnel plus
    leavers who do not return) get theirs back: since October 2022 the employment contract of a mobilised worker
    or of one who signs a military-service contract is suspended, not ended, and the employer must reinstate
    them on their return (Labour Code art. 351.7, Federal Law 376-FZ of 7 Oct 2022; memory). Other entrants
    (a growing labour force, returning emigrants) must be hired. Workers move with the workforce's
    employment rate: a quarter's leavers and returnees hold jobs in the proportion the labour force does.
    """
    returned = army_out_prev - army_out  # net flow from the army into the labour force
    other = labour_force - labour_force_prev - returned
    return 1 + (returned + B.minimum(other, 0.0)) / labour_force_prev


def require_proportional(output: Value, tech: Technology) -> Value:
    """[C3a] labour input (mn persons at normal hours) for an output level with critical inputs in proportion.

    The workers a firm plans for: it orders the critical inputs the output needs along with them (a shortage
    of those inputs is a separate constraint, on output). The CES is homogeneous of degree one, so with
    ``m = output / base`` the value-added index is ``v = output / base`` as well. Unlike [C3] at fixed normal
    inputs, this stays finite for demand above the near-Leontief ceiling of normal inputs.
    """
    return tech.l_bar * (output / (tech.base * tech.tfp)) ** tech.p.civilian_labour_exponent + tech.skill_loss


def civilian_employment(
    *, demand: Value, employment_prev: Value, drift: Value, n_max: Value, tech: Technology, p: Any, B: Backend,
) -> dict[str, Value]:
    """[C5]-[C6] civilian employment, hours and output: the labour market binds, hoarding is asymmetric.

    Firms hire towards the workers demand needs at normal hours with the critical inputs it needs
    ([C3a]; at most ``n_max``) at ``hiring_speed``: labour cannot stand in for missing parts, so a shortage of
    critical inputs lowers output (and measured labour productivity), not labour demand. When demand falls they
    hoard labour: they shed the surplus slowly (``hoarding_speed``), except workers who would be idle even at the
    shortest hours (``hours_min``), who go at once. Hours absorb the rest up to ``hours_max``: output is demand unless
    even maximum hours of the employed, with the critical inputs at hand, cannot produce it (capacity binds).
    Hoarding is cyclical: ``drift`` (:func:`workforce_drift`) moves last quarter's workforce with the labour
    force first: workers who retire, join the army or emigrate vacate their jobs, soldiers returning from the army
    are reinstated in theirs; other entrants must be hired. Only the rest of a fall in labour needs is hoarded.
    """
    needed = require_proportional(demand, tech)
    employment_prev = employment_prev * drift
    gap = B.minimum(needed, n_max) - employment_prev
    idle = B.maximum(employment_prev - needed / p.hours_min, 0.0)
    change = B.where(gap > 0, p.hiring_speed * gap, p.hoarding_speed * gap - p.hoarding_rest * idle)
    n = B.minimum(employment_prev + change, n_max)
    capacity = produce(n * p.hours_max, tech, B)
    y = B.minimum(demand, capacity)
    return {"employment_civilian": n, "civilian_capacity": capacity, "output_civilian": y, "labour_needed": needed}


def civilian_hours(*, output: Value, employment: Value, tech: Technology, p: Any, B: Backend) -> Value:
    """[C6] hours per civilian worker (normal = 1): the labour ``output`` needs over the workers employed.

    At least ``hours_min``: hoarded workers beyond what the output needs at the shortest hours stand idle.
    """
    return B.maximum(require(output, tech, B) / employment, p.hours_min)
