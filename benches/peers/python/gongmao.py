"""工贸 2023 第三条 (3 rules) and 第四条 (8 rules) in plain Python: dict lookups and ifs.

Mirrors standards/gongmao-2023/{03-general,04-metallurgy}.yh for the side-by-side benchmark.
Three-valued (Kleene) logic as integers: 0 = false, 1 = unknown, 2 = true; `and` is min, `or` is
max, `not` is 2 - x. A missing key or a JSON null is unknown. Each rule's result: 3 =
not_applicable (scope false), otherwise min(scope, hazard): 0 = clear, 1 = undetermined, 2 = hazard.

Usage: python3 gongmao.py FACTS.jsonl OUTCOMES.txt   (prints timings as one JSON line)
"""
import json
import multiprocessing
import os
import sys
import time


def tb(x):
    if x is None:
        return 1
    return 2 if x else 0


def nb(x):
    if x is None:
        return 1
    return 0 if x else 2


def nw(x):
    # device_state != working
    if x is None:
        return 1
    return 0 if x == "working" else 2


def gt(a, b):
    if a is None or b is None:
        return 1
    return 2 if a > b else 0


def nonempty(xs):
    if xs is None:
        return 1
    return 2 if xs else 0


def outcome(scope, hazard):
    if scope == 0:
        return 3
    return scope if scope < hazard else hazard


# 第二条: the standard's scope (standards/gongmao-2023/standard.yh), and-ed with every rule's scope
GONGMAO_SECTORS = frozenset(("metallurgy", "nonferrous", "building_materials", "machinery",
                             "light_industry", "textile", "tobacco", "commerce_trade"))


def evaluate(r):
    g = r.get
    sectors = g("sectors")
    if sectors is None:
        gm = met = 1
    else:
        gm = 2 if any(s in GONGMAO_SECTORS for s in sectors) else 0
        met = 2 if "metallurgy" in sectors else 0
    if gm == 0:
        return [3] * 11
    # GM2023-3-1
    units = g("contractor_or_tenant_units")
    if units is None:
        h31 = 1
    else:
        h31 = 0
        for u in units:
            t = max(nb(u.get("unified_coordination_and_management")), nb(u.get("periodic_safety_inspection")))
            if t > h31:
                h31 = t
                if t == 2:
                    break
    # GM2023-3-2
    workers = g("special_operation_workers")
    if workers is None:
        h32 = 1
    else:
        h32 = 0
        for w in workers:
            t = min(tb(w.get("working_in_special_operation")),
                    max(nb(w.get("completed_specialised_training")), nb(w.get("holds_valid_qualification"))))
            if t > h32:
                h32 = t
                if t == 2:
                    break
    # GM2023-3-3
    managers = g("safety_managers")
    if managers is None:
        mu = 1
    else:
        mu = 0
        for m in managers:
            t = nb(m.get("assessed_qualified"))
            if t > mu:
                mu = t
                if t == 2:
                    break
    h33 = max(nb(g("principal_person_assessed_qualified")), mu)

    first = [outcome(gm, h31), outcome(gm, h32),
             outcome(min(gm, tb(g("is_metal_smelting_enterprise"))), h33)]
    if met == 0:
        return first + [3] * 8
    # GM2023-4-1
    h41 = max(nonempty(g("met_rooms_in_molten_lifting_bay_ground_area")),
              tb(g("met_ladle_repair_station_in_molten_lifting_bay_ground_area")))
    # GM2023-4-2
    h42 = min(tb(g("in_production")), nonempty(g("met_wet_zones")))
    # GM2023-4-3
    cc = tb(g("met_has_continuous_casting"))
    h43 = max(min(cc, nw(g("met_cc_emergency_ladle"))),
              min(cc, nw(g("met_cc_tundish_breakout_pit"))),
              min(cc, nw(g("met_cc_tundish_overflow_pit"))),
              min(cc, nw(g("met_cc_breakout_rotary_chute"))),
              min(tb(g("met_has_ingot_casting")), nw(g("met_ingot_emergency_ladle_pit_or_trough"))))
    # GM2023-4-4
    furnaces = g("steelmaking_furnaces")
    if furnaces is None:
        h44 = 1
    else:
        h44 = 0
        for f in furnaces:
            fg = f.get
            t = max(nw(fg("wc_outlet_temp_alarm")), nw(fg("wc_flow_diff_alarm")),
                    min(tb(fg("tilting_body")), nw(fg("interlock_tilting"))),
                    min(tb(fg("has_oxygen_or_sub_lance")), nw(fg("interlock_lance_auto_lift"))),
                    min(tb(fg("electrode_heated")), nw(fg("interlock_electrode_power_off_raise"))))
            if t > h44:
                h44 = t
                if t == 2:
                    break
    # GM2023-4-5 (两处"超过"均为严格大于)
    bfs = g("blast_furnaces")
    if bfs is None:
        h45 = 1
    else:
        h45 = 0
        for bf in bfs:
            bg = bf.get
            t = max(min(tb(bg("in_production")),
                        gt(bg("top_pressure_setpoint"), bg("design_max_top_working_pressure"))),
                    nw(bg("bleeder_interlock")),
                    gt(bg("bleeder_release_setpoint"), bg("equipment_design_pressure")))
            if t > h45:
                h45 = t
                if t == 2:
                    break
    # GM2023-4-6
    points = g("met_co_points")
    if points is None:
        h46 = 1
    else:
        h46 = 0
        for p in points:
            t = max(nw(p.get("fixed_co_alarm")), nb(p.get("data_to_24h_staffed_location")))
            if t > h46:
                h46 = t
                if t == 2:
                    break
    # GM2023-4-7
    iso = g("met_gas_isolation_points")
    if iso is None:
        h47 = 1
    else:
        h47 = 0
        for x in iso:
            t = nw(x.get("isolation_device"))
            if t > h47:
                h47 = t
                if t == 2:
                    break
    # GM2023-4-8 ("小于30kPa"为严格小于)
    drainers = g("water_seal_drainers")
    if drainers is None:
        weak = 1
    else:
        weak = 0
        for d in drainers:
            p = d.get("max_sealing_gas_pressure")
            t = min(tb(d.get("on_positive_pressure_gas_line")), 1 if p is None else (2 if p < 30 else 0))
            if t > weak:
                weak = t
                if t == 2:
                    break
    h48 = max(weak, tb(g("drainer_shared_across_both_sides_of_an_isolation_device")),
              tb(g("upper_drain_pipes_of_different_gas_lines_connected")),
              tb(g("drainer_shared_by_gas_lines_of_different_media")))
    return first + [
            outcome(met, h41), outcome(met, h42), outcome(met, h43), outcome(met, h44),
            outcome(met, h45), outcome(met, h46), outcome(met, h47), outcome(met, h48)]


RECORDS = []


def _run_part(args):
    lo, hi = args
    n = 0
    for r in RECORDS[lo:hi]:
        n += len(evaluate(r))
    return n


if __name__ == "__main__":
    facts, out = sys.argv[1], sys.argv[2]
    # rule-set load: compile this file's source and run its definitions in a fresh namespace
    with open(__file__, encoding="utf-8") as fh:
        source = fh.read()
    t0 = time.perf_counter_ns()
    exec(compile(source, __file__, "exec"), {"__name__": "gongmao_rules"})
    load_ns = time.perf_counter_ns() - t0
    t0 = time.perf_counter_ns()
    with open(facts, encoding="utf-8") as fh:
        RECORDS = [json.loads(line) for line in fh]
    parse_ns = time.perf_counter_ns() - t0
    # latency: one timed call per record
    lat = []
    results = []
    clock = time.perf_counter_ns
    for r in RECORDS:
        a = clock()
        res = evaluate(r)
        b = clock()
        lat.append(b - a)
        results.append(res)
    with open(out, "w") as fh:
        for res in results:
            fh.write("".join(map(str, res)))
            fh.write("\n")
    # throughput on one core
    t0 = clock()
    for r in RECORDS:
        evaluate(r)
    one_ns = clock() - t0
    # throughput on all cores: forked workers share the parsed records
    cores = os.cpu_count() or 1
    n = len(RECORDS)
    parts = [(i * n // cores, (i + 1) * n // cores) for i in range(cores)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(cores) as pool:
        pool.map(_run_part, [(0, 0)] * cores)  # start the workers before timing
        t0 = clock()
        pool.map(_run_part, parts)
        all_ns = clock() - t0
    lat.sort()
    print(json.dumps({
        "records": n, "parse_ns": parse_ns, "load_ns": load_ns,
        "median_ns": lat[len(lat) // 2], "p99_ns": lat[min(len(lat) - 1, len(lat) * 99 // 100)],
        "one_core_ns": one_ns, "all_cores_ns": all_ns, "cores": cores,
        "python": sys.version.split()[0],
    }))
