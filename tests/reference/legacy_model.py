"""The engine as it was before the block refactoring (issue 8): the reference of tests/model/test_equivalence.py.

:func:`run` takes parameters as arrays of shape ``(n,)``, exogenous paths and lever paths as arrays of
shape ``(T,)`` and returns one ``(n, T)`` array per variable. The only Python loop is over time; all
draws advance together. For a single draw the same loop body runs on Python floats (``MIN``/``MAX``/
``EXP``/``LOG`` are bound to the scalar functions), which is an order of magnitude faster than numpy on
one-element arrays; ``tests/test_model.py`` checks that both paths agree. No pandas here. Every equation is
written out, with the same names, in ``docs/model.md``; the comments below give the equation tags used there.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import numpy as np

__all__ = ["run", "OUTPUTS", "EXOG", "LEVER_KEYS"]

EXOG = (
    "defence_spending", "urals_price", "usd_rub", "oil_volume", "critical_availability", "import_markup",
    "mobilised", "contract_recruits", "emigrants", "war", "preferential_credit", "demand_shock",
    "gdp_deflator", "nominal_anchor", "oil_gas_revenue", "oil_anchor", "non_oil_revenue_gdp", "other_spending_gdp", "fiscal_anchor",
    "nwf_liquid_next", "nwf_quarters_left", "key_rate_data", "rate_anchor",
)
LEVER_KEYS = (
    "input_sanctions", "tech_controls", "skilled_emigration", "oil_price_cap", "secondary_sanctions",
    "defence_spending", "ceasefire", "ceasefire_demobilisation", "ceasefire_defence_cut",
    "ceasefire_sanction_relief",
)

GAP_BOUND = 25.0  # bound of the demand gap d (% of the anchor), a guard against explosive draws
K_FLOOR = 0.5  # civilian capital cannot fall below half its pre-war trend



def _safe_log(x: float) -> float:
    """math.log with numpy's conventions for 0 and negative numbers (scalar path)."""
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


# outputs the post-processing (indices, GDP, strain) reads; always stored
POST_INPUTS = frozenset({
    "output_military", "output_civilian", "potential_civilian", "civilian_real_income", "cpi_inflation",
    "lending_rate_civilian", "labour_shortage", "wage_premium", "nwf_liquid", "nominal_gdp",
})

# engine outputs, in the order of the variable catalogue (twosector.variables)
OUTPUTS = (
    "output_military", "output_civilian", "gdp", "gdp_growth", "potential_civilian", "output_gap_civilian",
    "demand_gap", "procurement_real", "military_capacity", "critical_inputs", "tech_drag", "capital_civilian",
    "labour_force", "labour_force_trend", "army_personnel", "army_losses", "emigrants_lf", "skilled_emigrants",
    "employment_military", "employment_civilian", "unemployed", "unemployment_rate", "labour_shortage",
    "unmet_military_demand", "unmet_civilian_demand",
    "wage_military", "wage_civilian", "wage_premium", "household_income", "civilian_real_income",
    "cpi_inflation", "inflation_q", "inflation_expectations", "price_level", "import_cost",
    "key_rate", "lending_rate_civilian", "lending_rate_military", "real_rate_civilian",
    "usd_rub", "nominal_gdp", "defence_spending", "defence_spending_gdp", "preferential_credit",
    "oil_gas_revenue", "non_oil_revenue", "revenue", "other_spending", "interest", "spending",
    "budget_balance", "budget_balance_gdp", "nwf_draw", "nwf_save", "nwf_revaluation", "nwf_other_flows", "nwf_liquid",
    "borrowing", "new_debt",
    "strain_output", "strain_income", "strain_inflation", "strain_rate", "strain_shortage",
    "strain_wage_gap", "strain_nwf", "strain_index",
)


def run(
    p: Mapping[str, np.ndarray],
    x: Mapping[str, np.ndarray],
    levers: Mapping[str, np.ndarray | float],
    *,
    i2021: np.ndarray,
    i_prewar: np.ndarray,
    keep: "Collection[str] | None" = None,
) -> dict[str, np.ndarray]:
    """Simulate the model for ``n`` parameter draws at once.

    Parameters
    ----------
    p : mapping of str -> array (n,)
        Parameters (every name of ``parameters.csv``).
    x : mapping of str -> array (T,)
        Exogenous paths (:data:`EXOG`), starting in 2019Q1 or earlier.
    levers : mapping
        Lever paths ``(T,)`` (intensity x profile) and ceasefire options (floats), :data:`LEVER_KEYS`.
    i2021 : array of int
        Positions of the four quarters of 2021 (the index base: 2021 = 100).
    i_prewar : array of int
        Positions of the pre-war quarters 2019Q1-2021Q4 (the strain-index normalisation).
    keep : collection of str, optional
        Return only these outputs (default: all). Outputs not kept (nor needed for the post-processing)
        are not stored, which saves memory and time for large ensembles.

    Returns
    -------
    dict of str -> array (n, T)
        One array per name in :data:`OUTPUTS`.
    """
    n = int(np.asarray(p["inflation_target"]).shape[0])
    T = int(np.asarray(x["defence_spending"]).shape[0])
    f = {k: np.asarray(v, dtype=float).reshape(n) for k, v in p.items()}
    X = {k: np.asarray(x[k], dtype=float) for k in EXOG}
    XL = {k: v.tolist() for k, v in X.items()}  # Python floats: cheap scalar arithmetic inside the loop
    L = {k: (np.asarray(levers[k], dtype=float) if np.ndim(levers[k]) else float(levers[k])) for k in LEVER_KEYS}

    if keep is None:
        stored = set(OUTPUTS)
    else:
        unknown = set(keep) - set(OUTPUTS)
        if unknown:
            raise KeyError(f"run(keep=...): unknown outputs {sorted(unknown)}")
        stored = set(keep) | POST_INPUTS
    scratch = np.empty(n)  # outputs that are not kept are all written into this one row
    out = {
        k: np.empty((T, n)) if k in stored  # time-major while filling (contiguous rows)
        else np.lib.stride_tricks.as_strided(scratch, shape=(T, n), strides=(0, scratch.strides[0]))
        for k in OUTPUTS
    }
    t_mid = float(np.mean(i2021))  # time of the 2021 base (mid-2021)
    tt = np.arange(T, dtype=float) - t_mid  # quarters from the base

    # --- parameters (short names inside the loop)
    target = f["inflation_target"]
    g_pot = f["potential_growth"]
    g_lf = f["labour_force_growth"]
    g_w = g_pot - g_lf  # trend real wage (labour productivity) growth, % per year
    alpha = f["capital_share"]
    rho = (f["input_elasticity"] - 1.0) / f["input_elasticity"]
    om_c, om_m = f["critical_input_share_civ"], f["critical_input_share_mil"]
    u_nat, u_min = f["unemployment_natural"] / 100, f["unemployment_floor"] / 100
    n_m0 = f["employment_military_2021"]
    eps_m = f["military_labour_elasticity"]
    okun = f["okun_coef"]
    rr_neutral = f["neutral_real_rate"] + f["lending_spread"]  # neutral real civilian lending rate
    kappa = f["demand_potential_link"]
    w_m_share = f["military_va_share"] / 100

    # --- trend paths (n, T), [T1] [T2]
    trend = np.exp(np.outer(g_pot, tt) / 400)  # pre-war potential path of civilian output (2021 = 1)
    lf_trend = f["labour_force_2021"][:, None] * np.exp(np.outer(g_lf, tt) / 400)
    l_bar = lf_trend * (1 - u_nat[:, None]) - n_m0[:, None]  # no-war civilian employment
    w_trend = np.exp(np.outer(g_w, tt) / 400)  # no-war real wage path (2021 = 1)
    transfers = f["transfer_share"][:, None] * w_trend * l_bar  # real transfers, indexed to trend
    hi_trend = w_trend * (l_bar + n_m0[:, None] * (1 + f["wage_premium_base"][:, None])) + transfers
    def_base = float(np.mean(X["defence_spending"][i2021]))
    fx_base = float(np.mean(X["usd_rub"][i2021]))
    def_share0 = 4 * def_base / f["nominal_gdp_2021"]  # 2021 defence share of GDP
    p0 = np.exp(-target * t_mid / 400)  # price level in the first quarter (2021 = 1 on the target path)

    # --- lever paths [L1]
    cf = L["ceasefire"] if np.ndim(L["ceasefire"]) else np.full(T, L["ceasefire"])
    relief = cf * L["ceasefire_sanction_relief"]
    s_in, s_tc, s_sec = L["input_sanctions"], L["tech_controls"], L["secondary_sanctions"]
    s_em, s_oil, s_def = L["skilled_emigration"], L["oil_price_cap"], L["defence_spending"]
    s_in, s_tc, s_sec, s_em, s_oil, s_def = (np.broadcast_to(np.asarray(v, dtype=float), (T,)).tolist()
                                             for v in (s_in, s_tc, s_sec, s_em, s_oil, s_def))
    cfl, relief_l = np.asarray(cf, dtype=float).tolist(), np.asarray(relief, dtype=float).tolist()

    # --- state carried between quarters (n,)
    zeros = np.zeros(n)
    army_w = zeros.copy()  # war-time army stock without demobilisation
    lost = zeros.copy()
    skilled_x = zeros.copy()
    sub = zeros.copy()
    drag = zeros.copy()
    k = np.ones(n)
    cap = 100 * (1 + f["military_spare_capacity"])
    n_m_prev = None
    d_prev = zeros.copy()
    inc_dev_prev = zeros.copy()
    rr_prev = rr_neutral.copy()
    p_prev = p0 * np.exp(-target / 400)
    p_hist = [p0 * np.exp(-target * j / 400) for j in (4, 3, 2, 1)]  # P[t-4..t-1] before the start
    pi_prev = target.copy()
    pia_prev = target.copy()
    i_prev = np.maximum(f["neutral_real_rate"] + target, f["key_rate_floor"])
    wc_prev = w_trend[:, 0] * np.exp(-g_w / 400)
    wc_prev2 = wc_prev * np.exp(-g_w / 400)
    prem = f["wage_premium_base"].copy()
    ic_prev = None
    nwf = f["nwf_liquid_2021"].copy()
    debt = zeros.copy()
    nom_prev = f["nominal_gdp_2021"] / 4 * np.exp(-(g_pot + target) * (t_mid + 1) / 400)
    wedge = np.ones(n)

    # --- the loop runs on (n,) arrays, or on Python floats for a single draw (much faster per step)
    scalar = n == 1
    if scalar:
        F = {k: float(v[0]) for k, v in f.items()}
        MIN, MAX, EXP, LOG, CLIP = min, max, math.exp, _safe_log, _clip
        one = lambda v: float(np.asarray(v).reshape(-1)[0])  # noqa: E731
        (target, g_pot, g_w, alpha, rho, om_c, om_m, u_nat, u_min, n_m0, eps_m, okun, rr_neutral, kappa,
         w_m_share, def_share0, army_w, lost, skilled_x, sub, drag, k, cap, d_prev, inc_dev_prev, rr_prev,
         p_prev, pi_prev, pia_prev, i_prev, wc_prev, wc_prev2, prem, nwf, debt, nom_prev, wedge, zeros) = (
            one(v) for v in (target, g_pot, g_w, alpha, rho, om_c, om_m, u_nat, u_min, n_m0, eps_m, okun,
                             rr_neutral, kappa, w_m_share, def_share0, army_w, lost, skilled_x, sub, drag, k,
                             cap, d_prev, inc_dev_prev, rr_prev, p_prev, pi_prev, pia_prev, i_prev, wc_prev,
                             wc_prev2, prem, nwf, debt, nom_prev, wedge, zeros))
        p_hist = [one(v) for v in p_hist]
        cols = lambda a: a[0].tolist()  # noqa: E731
    else:
        F = f
        MIN, MAX, EXP, LOG, CLIP = np.minimum, np.maximum, np.exp, np.log, np.clip
        cols = lambda a: [a[:, j] for j in range(T)]  # noqa: E731
    lf_trend_c, trend_c, l_bar_c, w_trend_c, transfers_c, hi_trend_c = (
        cols(a) for a in (lf_trend, trend, l_bar, w_trend, transfers, hi_trend))

    for t in range(T):
        c = cfl[t]
        rel = relief_l[t]
        unlifted = 1.0 - rel  # share of sanctions not lifted
        s_in_t, s_tc_t, s_sec_t, s_em_t, s_oil_t, s_def_t = s_in[t], s_tc[t], s_sec[t], s_em[t], s_oil[t], s_def[t]
        # ---------------- labour supply [N1]-[N5]
        army_w = army_w * (1 - F["army_attrition"]) + (XL["mobilised"][t] + XL["contract_recruits"][t]) * (1 - c)
        army = army_w * (1 - L["ceasefire_demobilisation"] * c)
        skilled_x = skilled_x * (1 - F["emigrant_return_rate"]) + s_em_t / 4
        em_lf = F["emigrant_lf_share"] * XL["emigrants"][t] + skilled_x
        skilled_lf = F["skilled_share"] * F["emigrant_lf_share"] * XL["emigrants"][t] + skilled_x
        lf = lf_trend_c[t] - army - lost - em_lf
        # ---------------- critical inputs [M1]-[M3]
        avail = (1 - (1 - XL["critical_availability"][t]) * unlifted) \
            * (1 - F["input_cut_max"] * s_in_t * unlifted) \
            * (1 - F["secondary_cut_max"] * s_sec_t * unlifted)
        sub = sub + F["substitution_speed"] * (F["substitution_max"] * (1 - avail) - sub)
        m = avail + sub
        m_rho = m**rho
        drag = drag + F["tech_adjust"] * (F["tech_drag_max"] * s_tc_t * unlifted - drag)
        # ---------------- military sector [Y1]-[Y6]
        defence = XL["defence_spending"][t] * (1 + s_def_t) * (1 - L["ceasefire_defence_cut"] * c)
        q = 100 * defence / (p_prev * def_base)
        cap_eff = cap * ((1 - om_m) + om_m * m_rho) ** (1 / rho)
        y_m_pot = MIN(q, cap_eff)
        n_m_dem = n_m0 * (y_m_pot / 100) ** eps_m
        n_m = n_m_dem if n_m_prev is None else MIN(n_m_dem, n_m_prev + F["military_hiring_max"])
        y_m = MIN(y_m_pot, 100 * (n_m / n_m0) ** (1 / eps_m))
        # ---------------- civilian supply [C1]-[C4]
        l_pot = lf * (1 - u_nat) - n_m
        n_max = lf * (1 - u_min) - n_m
        skill_loss = (F["skilled_productivity"] - 1) * skilled_lf
        tfp = k**alpha * (1 - drag)
        base_t = 100 * trend_c[t]

        def produce(workers: np.ndarray) -> np.ndarray:  # [C2] civilian output of a workforce
            l_eff = MAX(workers - skill_loss, 1e-6) / l_bar_c[t]
            v = tfp * l_eff ** (1 - alpha)
            return base_t * ((1 - om_c) * v**rho + om_c * m_rho) ** (1 / rho)

        def require(output: np.ndarray) -> np.ndarray:  # [C3] workers needed for an output level
            y_rel = output / base_t
            inner = MAX((y_rel**rho - om_c * m_rho) / (1 - om_c), 1e-12)
            v = inner ** (1 / rho)
            return l_bar_c[t] * (v / tfp) ** (1 / (1 - alpha)) + skill_loss

        y_pot = produce(l_pot)
        y_cap = produce(l_pot + (n_max - l_pot) / okun)
        # ---------------- civilian demand [D1]-[D4]
        pref = F["preferential_credit_ratio"] * defence * XL["preferential_credit"][t] * (1 - c)
        d = (F["is_persistence"] * d_prev - F["is_rate"] * (rr_prev - rr_neutral)
             + F["is_income"] * inc_dev_prev + F["is_quasi_fiscal"] * 100 * pref / nom_prev
             + F["is_defence"] * 100 * (defence / nom_prev - def_share0)
             + XL["demand_shock"][t])
        d = CLIP(d, -GAP_BOUND, GAP_BOUND)  # numerical guard (documented), inactive in the baseline
        anchor = (100 * trend_c[t]) ** (1 - kappa) * y_pot**kappa
        dem = anchor * EXP(d / 100)
        y_c = MIN(dem, y_cap)
        gap_y = 100 * LOG(y_c / y_pot)
        gap_d = 100 * LOG(dem / y_pot)
        # ---------------- employment and shortage [E1]-[E5]
        n_c = CLIP(l_pot + okun * (require(y_c) - l_pot), 0.0, n_max)
        unemployed = lf - n_m - n_c
        u = unemployed / lf
        unmet_c = MAX(l_pot + okun * (require(dem) - l_pot) - n_c, 0.0)
        unmet_m = n_m_dem - n_m
        shortage = F["vacancies_frictional"] * EXP(F["vacancy_tightness"] * 100 * (u_nat - u)) + unmet_c + unmet_m
        # ---------------- prices [P1]-[P6]
        fx = XL["usd_rub"][t] * (1 + F["fx_oil_elasticity"] * s_oil_t * unlifted / XL["urals_price"][t])
        markup = XL["import_markup"][t] * unlifted + (F["sanction_markup_max"] * s_in_t
                                                      + F["secondary_markup_max"] * s_sec_t) * unlifted
        ic = fx / fx_base * (1 + F["controlled_import_share"] * markup / 100)
        imp_infl = zeros if ic_prev is None else 400 * LOG(ic / ic_prev)
        ulc = 400 * LOG(wc_prev / wc_prev2) - g_w
        pia = pia_prev + F["expectations_adapt"] * (pi_prev - pia_prev)
        pi_e = F["expectations_anchor"] * target + (1 - F["expectations_anchor"]) * pia
        pi = (F["phillips_lag"] * pi_prev + (1 - F["phillips_lag"]) * pi_e + F["phillips_slope"] * gap_d
              + F["phillips_import"] * imp_infl + F["phillips_ulc"] * ulc)
        price = p_prev * EXP(pi / 400)
        pi4 = 100 * (price / p_hist[0] - 1)
        # ---------------- key rate and lending rates [R1]-[R4]
        i_star = F["neutral_real_rate"] + pi4 + F["taylor_inflation"] * (pi4 - target) + F["taylor_gap"] * gap_d
        i = MAX(F["key_rate_floor"], F["taylor_smoothing"] * i_prev + (1 - F["taylor_smoothing"]) * i_star)
        ra = XL["rate_anchor"][t]
        if ra:  # [R2] history with key-rate data: the rate follows the data (a conditioning path)
            i = ra * XL["key_rate_data"][t] + (1 - ra) * i
        debt_gdp = 100 * debt / (4 * nom_prev)  # federal debt issued since 2019, % of annual GDP
        r_c = i + F["lending_spread"] + F["debt_spread"] * MAX(debt_gdp, 0.0)
        pref_share = F["preferential_share"] * XL["preferential_credit"][t] * (1 - c)
        r_m = pref_share * F["preferential_rate"] + (1 - pref_share) * r_c
        rr = r_c - pi_e
        # ---------------- wages and income [W1]-[W5]
        prod_rel = (y_c / base_t) / MAX(n_c / l_bar_c[t], 1e-9)  # labour productivity vs trend
        wage_gap = 100 * LOG(wc_prev / (w_trend_c[t] * prod_rel))
        wc = wc_prev * EXP((g_w / 4 + F["wage_tightness"] * 100 * (u_nat - u)
                               - F["wage_correction"] * wage_gap
                               - F["wage_erosion"] * (pi - pi_e) / 4) / 100)
        prem_target = (F["wage_premium_base"] + F["wage_premium_unmet"] * unmet_m / MAX(n_m, 1e-9)
                       + F["wage_premium_spend"] * LOG(MAX(q, y_m) / y_m))
        prem = prem + F["wage_premium_speed"] * (prem_target - prem)
        wm = wc * (1 + prem)
        civ_income = wc * n_c + transfers_c[t]
        hi = civ_income + wm * n_m + F["army_pay_ratio"] * wc * army
        inc_dev = 100 * LOG(hi / hi_trend_c[t])
        # ---------------- GDP [G1]-[G3]
        gdp = (1 - w_m_share) * y_c + w_m_share * y_m
        # [G3] terms-of-trade wedge (GDP deflator / CPI): from the data deflator where anchored, else held
        anchor = XL["nominal_anchor"][t]
        wedge = anchor * XL["gdp_deflator"][t] / price + (1 - anchor) * wedge
        nom = F["nominal_gdp_2021"] / 4 * gdp / 100 * price * wedge
        # ---------------- budget [B1]-[B8]
        oil = F["oil_revenue_coef"] * XL["oil_volume"][t] * MAX(
            XL["urals_price"][t] - s_oil_t * unlifted, 0.0) * fx / 1000
        oa = XL["oil_anchor"][t]
        if oa:  # [B1] published revenue in its years, scaled by the levers' effect on price x exchange rate
            oil = XL["oil_gas_revenue"][t] * MAX(XL["urals_price"][t] - s_oil_t * unlifted, 0.0) / XL["urals_price"][t] \
                * fx / XL["usd_rub"][t]
        fa = XL["fiscal_anchor"][t]  # [B2]-[B3] shares from the data in history, the parameters afterwards
        non_oil = (fa * XL["non_oil_revenue_gdp"][t] + (1 - fa) * F["non_oil_tax_rate"]) / 100 * nom
        revenue = oil + non_oil
        interest = F["interest_share"] / 100 * nom + debt * i_prev / 400
        # non-defence spending incl. all interest is a share of GDP (data in history, the 2024 share after)
        other = (fa * XL["other_spending_gdp"][t] + (1 - fa) * F["other_spending_share"]) / 100 * nom - interest
        spending = defence + other + interest
        balance = revenue - spending
        rule = XL["war"][t]  # NWF financing rule from 2022Q1
        fx_prev = XL["usd_rub"][t - 1] if t else XL["usd_rub"][0]
        reval = rule * nwf * F["nwf_fx_share"] * (XL["usd_rub"][t] / fx_prev - 1)
        draw = rule * MIN(F["nwf_draw_share"] * MAX(-balance, 0.0), nwf + reval)
        save = rule * F["nwf_save_share"] * MAX(balance, 0.0)
        nwf = nwf + reval + save - draw
        # [B6] flows outside the model (transfers, freezes, conversions) steer the stock to the next observed
        # value: each quarter closes 1/left of the remaining gap, so the stock hits it exactly (0 in projection)
        left = XL["nwf_quarters_left"][t]
        nwf_other = (XL["nwf_liquid_next"][t] - nwf) / left if left > 0 else zeros
        nwf = nwf + nwf_other
        borrowing = -balance - draw + save
        debt = debt + borrowing

        # ---------------- store
        o = out
        o["output_military"][t] = y_m
        o["output_civilian"][t] = y_c
        o["gdp"][t] = gdp
        o["potential_civilian"][t] = y_pot
        o["output_gap_civilian"][t] = gap_y
        o["demand_gap"][t] = gap_d
        o["procurement_real"][t] = q
        o["military_capacity"][t] = cap_eff
        o["critical_inputs"][t] = m
        o["tech_drag"][t] = drag
        o["capital_civilian"][t] = k
        o["labour_force"][t] = lf
        o["labour_force_trend"][t] = lf_trend_c[t]
        o["army_personnel"][t] = army
        o["army_losses"][t] = lost
        o["emigrants_lf"][t] = em_lf
        o["skilled_emigrants"][t] = skilled_lf
        o["employment_military"][t] = n_m
        o["employment_civilian"][t] = n_c
        o["unemployed"][t] = unemployed
        o["unemployment_rate"][t] = 100 * u
        o["labour_shortage"][t] = shortage
        o["unmet_military_demand"][t] = unmet_m
        o["unmet_civilian_demand"][t] = unmet_c
        o["wage_military"][t] = wm
        o["wage_civilian"][t] = wc
        o["wage_premium"][t] = prem
        o["household_income"][t] = hi
        o["civilian_real_income"][t] = civ_income
        o["inflation_q"][t] = pi
        o["inflation_expectations"][t] = pi_e
        o["price_level"][t] = price
        o["cpi_inflation"][t] = pi4
        o["import_cost"][t] = ic
        o["key_rate"][t] = i
        o["lending_rate_civilian"][t] = r_c
        o["lending_rate_military"][t] = r_m
        o["real_rate_civilian"][t] = rr
        o["usd_rub"][t] = fx
        o["nominal_gdp"][t] = nom
        o["defence_spending"][t] = defence
        o["defence_spending_gdp"][t] = 100 * defence / nom
        o["preferential_credit"][t] = pref
        o["oil_gas_revenue"][t] = oil
        o["non_oil_revenue"][t] = non_oil
        o["revenue"][t] = revenue
        o["other_spending"][t] = other
        o["interest"][t] = interest
        o["spending"][t] = spending
        o["budget_balance"][t] = balance
        o["budget_balance_gdp"][t] = 100 * balance / nom
        o["nwf_draw"][t] = draw
        o["nwf_save"][t] = save
        o["nwf_revaluation"][t] = reval
        o["nwf_other_flows"][t] = nwf_other
        o["nwf_liquid"][t] = nwf
        o["borrowing"][t] = borrowing
        o["new_debt"][t] = debt

        # ---------------- laws of motion for t+1
        lost = lost + F["army_attrition"] * army_w * (1 - F["army_return_share"])
        cap = cap + F["military_capacity_speed"] * MAX(q - cap, 0.0) \
            - F["military_capacity_decay"] * MAX(cap - q, 0.0)
        k = MAX(k * EXP(-F["investment_sensitivity"] * (rr - rr_neutral) / 400), K_FLOOR)
        n_m_prev = n_m
        d_prev, inc_dev_prev, rr_prev = d, inc_dev, rr
        p_hist = p_hist[1:] + [price]
        p_prev, pi_prev, pia_prev, i_prev = price, pi, pia, i
        wc_prev2, wc_prev = wc_prev, wc
        ic_prev = ic
        nom_prev = nom

    out = {k: v.T for k, v in out.items() if k in stored}  # (n, T) views

    # ---------------- indices (2021 = 100) [I1]
    civ_trend = w_trend * l_bar + transfers  # no-war civilian real income
    rel_output = out["output_civilian"] / (100 * trend)
    rel_income = out["civilian_real_income"] / civ_trend
    for name in ("output_military", "output_civilian", "wage_military", "wage_civilian",
                 "civilian_real_income", "household_income", "price_level"):
        if name not in stored:
            continue
        factor = 100 / out[name][:, i2021].mean(axis=1, keepdims=True)
        out[name] *= factor
        if name == "output_civilian":
            out["potential_civilian"] *= factor
    w_mil = f["military_va_share"][:, None] / 100
    out["gdp"] = (1 - w_mil) * out["output_civilian"] + w_mil * out["output_military"]
    g = out["gdp"]
    back = g[:, :4] * np.exp(-f["potential_growth"][:, None] / 100)  # before the first quarter: trend growth
    lag4 = np.concatenate([back, g[:, :-4]], axis=1)[:, :T]
    out["gdp_growth"] = 100 * (g / lag4 - 1)

    # ---------------- strain [S1]-[S3]
    ind = {
        "strain_output": -100 * np.log(rel_output),
        "strain_income": -100 * np.log(rel_income),
        "strain_inflation": out["cpi_inflation"] - f["inflation_target"][:, None],
        "strain_rate": out["lending_rate_civilian"],
        "strain_shortage": out["labour_shortage"],
        "strain_wage_gap": out["wage_premium"],
        "strain_nwf": -100 * out["nwf_liquid"] / (4 * out["nominal_gdp"]),
    }
    scale = {
        "strain_output": "output", "strain_income": "income", "strain_inflation": "inflation",
        "strain_rate": "rate", "strain_shortage": "shortage", "strain_wage_gap": "wage_gap", "strain_nwf": "nwf",
    }
    total = np.zeros((n, T))
    weights = np.zeros(n)
    for name, value in ind.items():
        z = (value - value[:, i_prewar].mean(axis=1, keepdims=True)) / f[f"strain_sd_{scale[name]}"][:, None]
        out[name] = z
        w = f[f"strain_weight_{scale[name]}"]
        total += w[:, None] * z
        weights += w
    out["strain_index"] = total / np.where(weights > 0, weights, 1.0)[:, None]
    if keep is not None:
        out = {k: out[k] for k in OUTPUTS if k in set(keep)}
    return out
