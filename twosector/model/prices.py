"""Prices and money: the ruble, import costs, expectations, the Phillips curve, the key rate and lending rates.

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags of ``docs/model.md``. Rates and inflation are in % per year.
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["DERIVED", "ULC_BOUND", "exchange_rate", "expectations", "priced", "prices", "rates"]

Value = Any  # float or np.ndarray of shape (n,)

#: parameter-only terms of these equations, computed once per run and read as ``p.<name>`` (see
#: :data:`twosector.model.engine.DERIVED`)
DERIVED: dict[str, Any] = {
    "fx_oil_elasticity_neg": lambda p, B: -p.fx_oil_elasticity,
    "pass_through_lagged": lambda p, B: 1 - p.pass_through_impact,
    "phillips_expected": lambda p, B: 1 - p.phillips_lag,
    "taylor_weight": lambda p, B: 1 - p.taylor_smoothing,
}

ULC_BOUND = 10.0  # bound of the unit-labour-cost gap in the Phillips curve (%), a guard against explosive draws


def exchange_rate(
    *, fx_data: float, fx_anchor: float, base_prev: Value, inflation_prev: Value, urals: Value,
    urals_prev: Value, realised: Value, p: Any, B: Backend, shock: Value = 0.0,
) -> dict[str, Value]:
    """[P1] the ruble (RUB per USD).

    In history (``fx_anchor`` = 1) the base rate is the quarterly data. In projection it starts from the last
    observed level and drifts with the inflation differential (a constant real exchange rate) and the oil terms
    of trade (elasticity ``fx_oil_elasticity`` to the Urals price). Oil sanctions that widen the discount
    (``realised`` below the Urals price) weaken the ruble with the same elasticity, in history and projection.
    ``shock`` (log points, exogenous ``fx_shock``) moves the projected rate beyond the rule: 0 in the
    deterministic paths, a draw of the ruble's risk model in a Monte Carlo (:mod:`twosector.risks`).
    """
    drift = (inflation_prev - p.world_inflation) / 400 + shock
    projected = base_prev * B.exp(drift) * (urals / urals_prev) ** p.fx_oil_elasticity_neg
    base = fx_anchor * fx_data + (1 - fx_anchor) * projected
    return {"usd_rub_base": base, "usd_rub": base * (urals / realised) ** p.fx_oil_elasticity}


def expectations(
    *, adaptive_prev: Value, record_prev: Value, cpi_prev: Value, survey: float, survey_flag: float, p: Any,
    B: Backend,
) -> dict[str, Value]:
    """[P2] inflation expectations (% per year) and the credibility of the target.

    Expectations mix the target and an adaptive forecast; the weight on the target (credibility) falls with
    the central bank's record, the smoothed distance of y/y inflation from the target. The adaptive forecast
    learns from last quarter's y/y inflation ``cpi_prev``, not its annualised q/q rate: a one-quarter price jump
    (a sanctions markup, a ruble fall) enters it as what it does to prices over a year, not four times over
    (with a fast-adapting forecast a 2022-sized markup shock otherwise set expectations near 100%). Where the household
    survey is observed (``survey_flag`` = 1) expectations are the survey less the households' usual bias
    (``survey_bias``: household expectations run above inflation even in calm years), and the adaptive part is
    set so that the model continues from there.
    """
    record = record_prev + p.record_speed * (B.abs(cpi_prev - p.inflation_target) - record_prev)
    credibility = p.credibility_max / (1 + p.credibility_loss * record)
    anchored, adaptive_weight = credibility * p.inflation_target, 1 - credibility
    if survey_flag:
        adaptive = (survey - p.survey_bias - anchored) / adaptive_weight
    else:
        adaptive = adaptive_prev + p.expectations_adapt * (cpi_prev - adaptive_prev)
    expected = anchored + adaptive_weight * adaptive
    return {"adaptive_expectations": adaptive, "inflation_expectations": expected, "credibility": credibility,
            "inflation_record": record}


def priced(*, cost: Value, priced_prev: Value, p: Any, B: Backend) -> Value:
    """[P3a] a sanctions cost as prices carry it: a rise passes in the quarter, a fall only gradually.

    Prices rise faster than they fall (Peltzman 2000): the level ``priced`` follows a higher ``cost`` at once
    and a lower one by ``markup_fall_speed`` of the distance a quarter, so relief from sanctions lowers prices
    over several quarters, not in the quarter the markup goes. ``cost`` is any level linear in the markup (the
    markup itself, or a cost index); the result is in its units.
    """
    return B.maximum(cost, priced_prev + p.markup_fall_speed * (cost - priced_prev))


def prices(
    *, usd_rub: Value, usd_rub_prev: Value, import_markup: Value, settlement: Value, priced_prev: Value,
    inflation_prev: Value, core_prev: Value, imported_prev: Value, expected: Value,
    price_prev: Value, price_4q_ago: Value, demand_gap: Value, ulc_gap_prev: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[P3]-[P5] import costs, the Phillips curve (annualised q/q), the price level and y/y CPI inflation.

    Core inflation carries the persistence: ``core = lag × core_prev + (1 - lag) × expected + slope ×
    pressure + ulc × ulc_gap_prev``, where the pressure is the demand gap when positive and ``phillips_slack``
    times it when negative: the Phillips curve is convex, steep when demand runs into capacity limits, flat in
    slack (prices and wages are stickier downwards). Real marginal cost enters as last quarter's real unit
    labour cost gap (wages over productivity relative to the no-war path, Galí & Gertler 1999), so a labour
    shortage that bids wages up ahead of productivity raises inflation. The long run is vertical: the weights on
    lagged and expected inflation sum to one, so with closed gaps inflation returns to expectations, which return to
    the target as credibility recovers. Headline
    inflation adds two direct cost effects, level effects on prices that the lag does not carry (they reach
    later inflation only through expectations):

    - the ruble: import-price inflation (the ruble times world prices) above last quarter's domestic inflation,
      i.e. a real depreciation, passes through at ``pass_through`` (an appreciation symmetrically), a share
      ``pass_through_impact`` in the quarter and the rest in the next (import contracts, inventories); with a
      constant real exchange rate the term is zero, so it cannot sustain an inflation spiral on its own;
    - sanctions: the markup on controlled imports (a share ``controlled_import_share`` of the import basket)
      and the ``settlement`` cost of payments on all imports (secondary sanctions, % of their value) raise
      production costs, passed into prices at ``markup_pass_through`` (a cost shock); a rise passes in the
      quarter, a fall (relief) only at ``markup_fall_speed`` a quarter ([P3a] :func:`priced`): ``priced_prev``
      is last quarter's import-cost index as prices carried it (pre-war = 1), returned as ``sanctions_priced``;
      the effect on inflation is returned as ``sanctions_passed``, the level effect the key-rate rule looks
      through [R1].
    """
    imported = 400 * B.log(usd_rub / usd_rub_prev) + p.world_inflation - inflation_prev
    costs = 1 + p.controlled_import_share * import_markup / 100 + settlement / 100  # import costs, pre-war = 1
    carried = priced(cost=costs, priced_prev=priced_prev, p=p, B=B)
    sanctions = 400 * B.log(carried / priced_prev)
    fx = p.pass_through_impact * imported + p.pass_through_lagged * imported_prev
    sanctions_passed = p.markup_pass_through * sanctions  # the rule looks through this level effect [R1]
    passed = p.pass_through * fx + sanctions_passed
    pressure = B.where(demand_gap > 0, demand_gap, p.phillips_slack * demand_gap)
    core = (p.phillips_lag * core_prev + p.phillips_expected * expected + p.phillips_slope * pressure
            + p.phillips_ulc * B.clip(ulc_gap_prev, -ULC_BOUND, ULC_BOUND))
    pi = core + passed
    price = price_prev * B.exp(pi / 400)
    cost = usd_rub * costs
    return {"import_cost": cost, "imported_inflation": imported, "sanctions_cost": sanctions,
            "sanctions_priced": carried, "sanctions_passed": sanctions_passed, "core_inflation": core,
            "inflation_q": pi, "price_level": price,
            "cpi_inflation": 100 * (price / price_4q_ago - 1)}


def rates(
    *, cpi_inflation: Value, sanctions_passed_4q: Value, credibility: Value, demand_gap: Value, key_rate_prev: Value,
    rate_anchor: float, key_rate_data: float, lending_prev: Value, sovereign_spread: Value, preferential_flag: float,
    ceasefire: float, expected: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[R1]-[R4] the key rate (Taylor rule, or the data where ``rate_anchor`` is 1) and lending rates.

    The rule answers y/y CPI inflation less the part of the sanctions' first-round effect it looks through:
    ``sanctions_passed_4q`` is the sanctions cost passed into prices over the last four quarters
    (``markup_pass_through × sanctions_cost`` [P4], summed, % per year annualised), a level effect on prices that
    leaves y/y inflation after a year. The share looked through is the target's ``credibility`` [P2] over
    ``credibility_max``: a bank whose record keeps expectations anchored can let a one-off price jump pass, one
    whose record is poor must lean against it because expectations follow headline inflation. In 2022 the Bank
    of Russia cut from 20% to 7.5% while CPI y/y stayed at 14-17% (fact base section 1.4): without the look-through
    the rule misses the quarterly key rate of 2022Q2-2023Q1 by 7.9 pp (root mean square), with it by 1.9 pp.
    The civilian lending rate moves towards the key rate plus the spread and part of the sovereign spread
    (crowding out) at ``lending_speed`` per quarter: transmission takes time. Defence contractors borrow a
    share ``preferential_share`` at ``preferential_rate``.
    """
    target = p.inflation_target
    looked_through = credibility / p.credibility_max * sanctions_passed_4q
    pi = 100 * ((1 + cpi_inflation / 100) * B.exp(looked_through / -400) - 1)  # the rule's inflation, % y/y
    i_star = p.neutral_real_rate + pi + p.taylor_inflation * (pi - target) + p.taylor_gap * demand_gap
    i = B.maximum(p.key_rate_floor, p.taylor_smoothing * key_rate_prev + p.taylor_weight * i_star)
    if rate_anchor:  # [R2] history with key-rate data: the rate follows the data (a conditioning path)
        i = rate_anchor * key_rate_data + (1 - rate_anchor) * i
    lending_target = i + p.lending_spread + p.sovereign_crowding * sovereign_spread
    r_c = lending_prev + p.lending_speed * (lending_target - lending_prev)
    pref_share = p.preferential_share * (preferential_flag * (1 - ceasefire))
    return {
        "key_rate": i, "rule_inflation": pi, "lending_rate_civilian": r_c,
        "lending_rate_military": pref_share * p.preferential_rate + (1 - pref_share) * r_c,
        "real_rate_civilian": r_c - expected,
    }
