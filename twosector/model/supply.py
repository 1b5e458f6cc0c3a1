"""Supply-side blocks: labour supply, critical inputs, the military sector and civilian production.

Each block is a plain function of named inputs: state carried from the last quarter, this quarter's
exogenous inputs and lever values, the parameters ``p`` (attribute access) and a :class:`~.backend.Backend`
``B``. Values are floats or arrays of shape ``(n,)``. Equation tags are those of ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from twosector.model.backend import Backend

__all__ = ["labour_supply", "critical_inputs", "military", "Technology", "produce", "require", "civilian_supply"]

Value = Any  # float or np.ndarray of shape (n,)


def labour_supply(
    *, army_w: Value, lost: Value, skilled_x: Value, lf_trend: Value, mobilised: float, recruits: float,
    emigrants: float, ceasefire: float, demobilisation: float, skilled_emigration: float, p: Any,
) -> dict[str, Value]:
    """[N1]-[N5] army, emigration and the labour force (mn persons).

    ``army_w`` is the war-time army stock before demobilisation, ``lost`` the cumulative leavers who do not
    return, ``skilled_x`` the stock of extra (lever-induced) skilled emigrants, all from last quarter.
    """
    army_w = army_w * (1 - p.army_attrition) + (mobilised + recruits) * (1 - ceasefire)
    army = army_w * (1 - demobilisation * ceasefire)
    skilled_x = skilled_x * (1 - p.emigrant_return_rate) + skilled_emigration / 4
    em_lf = p.emigrant_lf_share * emigrants + skilled_x
    skilled_lf = p.skilled_share * p.emigrant_lf_share * emigrants + skilled_x
    return {
        "army_w": army_w, "army_personnel": army, "skilled_x": skilled_x, "emigrants_lf": em_lf,
        "skilled_emigrants": skilled_lf, "labour_force": lf_trend - army - lost - em_lf,
        "labour_force_trend": lf_trend, "army_losses": lost,
    }


def critical_inputs(
    *, sub: Value, drag: Value, availability: float, input_sanctions: float, secondary_sanctions: float,
    tech_controls: float, unlifted: float, rho: Value, p: Any,
) -> dict[str, Value]:
    """[M1]-[M4] availability of critical imports, import substitution and the technology drag.

    ``unlifted`` is the share of sanctions not lifted by a ceasefire (1 - relief). Returns the effective
    input ``critical_inputs`` (share of pre-war) and its CES power ``m_rho``.
    """
    avail = (1 - (1 - availability) * unlifted) \
        * (1 - p.input_cut_max * input_sanctions * unlifted) \
        * (1 - p.secondary_cut_max * secondary_sanctions * unlifted)
    sub = sub + p.substitution_speed * (p.substitution_max * (1 - avail) - sub)
    m = avail + sub
    drag = drag + p.tech_adjust * (p.tech_drag_max * tech_controls * unlifted - drag)
    return {"substitution": sub, "critical_inputs": m, "m_rho": m**rho, "tech_drag": drag}


def military(
    *, defence_path: float, defence_lever: float, ceasefire: float, defence_cut: float, price_prev: Value,
    capacity: Value, employment_prev: Value | None, m_rho: Value, rho: Value, defence_2021: float, p: Any,
    B: Backend,
) -> dict[str, Value]:
    """[Y1]-[Y6] defence spending, real procurement, capacity, military hiring and output.

    ``capacity`` is the capacity stock before the critical-input limit; ``employment_prev`` is last quarter's
    military employment (None in the first quarter: no hiring limit).
    """
    defence = defence_path * (1 + defence_lever) * (1 - defence_cut * ceasefire)
    q = 100 * defence / (price_prev * defence_2021)
    om_m = p.critical_input_share_mil
    cap_eff = capacity * ((1 - om_m) + om_m * m_rho) ** (1 / rho)
    y_pot = B.minimum(q, cap_eff)
    n0, eps = p.employment_military_2021, p.military_labour_elasticity
    demand = n0 * (y_pot / 100) ** eps
    n_m = demand if employment_prev is None else B.minimum(demand, employment_prev + p.military_hiring_max)
    return {
        "defence_spending": defence, "procurement_real": q, "military_capacity": cap_eff,
        "military_labour_demand": demand, "employment_military": n_m,
        "output_military": B.minimum(y_pot, 100 * (n_m / n0) ** (1 / eps)),
    }


class Technology(NamedTuple):
    """This quarter's civilian production function [C2]: ``output = base × CES(v, m)``."""

    base: Value  # 100 × the pre-war potential path
    l_bar: Value  # no-war civilian employment (mn)
    tfp: Value  # k^alpha × (1 - tech drag)
    skill_loss: Value  # workers lost to skilled emigration beyond their head count
    m_rho: Value  # critical inputs to the CES power
    omega: Value  # critical-input share
    rho: Value  # CES exponent (input_elasticity - 1) / input_elasticity
    alpha: Value  # capital share


def produce(workers: Value, tech: Technology, B: Backend) -> Value:
    """[C2] civilian output of a workforce (mn persons), index level."""
    base, l_bar, tfp, skill_loss, m_rho, omega, rho, alpha = tech
    v = tfp * (B.maximum(workers - skill_loss, 1e-6) / l_bar) ** (1 - alpha)
    return base * ((1 - omega) * v**rho + omega * m_rho) ** (1 / rho)


def require(output: Value, tech: Technology, B: Backend) -> Value:
    """[C3] workers (mn) needed for an output level: [C2] inverted in closed form."""
    base, l_bar, tfp, skill_loss, m_rho, omega, rho, alpha = tech
    v = B.maximum(((output / base) ** rho - omega * m_rho) / (1 - omega), 1e-12) ** (1 / rho)
    return l_bar * (v / tfp) ** (1 / (1 - alpha)) + skill_loss


def civilian_supply(
    *, labour_force: Value, employment_military: Value, skilled_emigrants: Value, capital: Value,
    tech_drag: Value, m_rho: Value, trend: Value, l_bar: Value, u_nat: Value, u_min: Value, rho: Value,
    p: Any, B: Backend,
) -> dict[str, Any]:
    """[C1]-[C4] potential civilian employment and output, and the capacity limit of civilian output.

    ``u_nat`` and ``u_min`` are the natural and the lowest unemployment rates as shares. Returns the
    quarter's :class:`Technology` under ``"technology"`` for the employment block.
    """
    l_pot = labour_force * (1 - u_nat) - employment_military
    n_max = labour_force * (1 - u_min) - employment_military
    tech = Technology(
        base=100 * trend, l_bar=l_bar, tfp=capital**p.capital_share * (1 - tech_drag),
        skill_loss=(p.skilled_productivity - 1) * skilled_emigrants, m_rho=m_rho,
        omega=p.critical_input_share_civ, rho=rho, alpha=p.capital_share,
    )
    return {
        "capital_civilian": capital, "l_pot": l_pot, "n_max": n_max, "technology": tech,
        "potential_civilian": produce(l_pot, tech, B),
        "civilian_capacity": produce(l_pot + (n_max - l_pot) / p.okun_coef, tech, B),
    }
