# 工贸企业重大事故隐患判定标准 (应急管理部令第10号) 第三条 (3 rules) and 第四条 (8 rules), in Rego,
# for the side-by-side benchmark. Mirrors standards/gongmao-2023/{03-general,04-metallurgy}.yh.
#
# Three-valued (Kleene) logic is encoded as integers: 0 = false, 1 = unknown, 2 = true, so that
# `and` is min, `or` is max and `not` is 2 - x. A missing key or a JSON null is unknown.
# Each rule's result: 3 = not_applicable (scope false), otherwise min(scope, hazard):
# 0 = clear, 1 = undetermined, 2 = hazard — exactly yinhuan's outcome.
package yh

import rego.v1

get(o, k) := object.get(o, k, null)

# a bool fact
tb(x) := 2 if x == true
tb(x) := 0 if x == false
tb(x) := 1 if x == null

# not a bool fact
nb(x) := 2 - tb(x)

# device_state fact `!= working`
nw(x) := 1 if x == null
nw(x) := 0 if x == "working"
nw(x) := 2 if {
	x != null
	x != "working"
}

# quantity a > b (both in the field's own unit, kPa)
gt(a, b) := 1 if a == null
gt(a, b) := 1 if b == null
gt(a, b) := 2 if {
	a != null
	b != null
	a > b
}
gt(a, b) := 0 if {
	a != null
	b != null
	a <= b
}

lt_const(a, c) := 1 if a == null
lt_const(a, c) := 2 if {
	a != null
	a < c
}
lt_const(a, c) := 0 if {
	a != null
	a >= c
}

# list `is not empty`
nonempty(xs) := 1 if xs == null
nonempty(xs) := 2 if {
	xs != null
	count(xs) > 0
}
nonempty(xs) := 0 if {
	xs != null
	count(xs) == 0
}

# `any` over per-element truth values (false for an empty list)
anyt(ts) := max(array.concat([0], ts))

outcome(scope, hazard) := 3 if scope == 0
outcome(scope, hazard) := min([scope, hazard]) if scope != 0

sectors := get(input, "sectors")

# 第二条: the standard's scope (standards/gongmao-2023/standard.yh), and-ed with every rule's scope
gongmao_sectors := {"metallurgy", "nonferrous", "building_materials", "machinery", "light_industry", "textile", "tobacco", "commerce_trade"}

gongmao := 1 if sectors == null
gongmao := 2 if {
	sectors != null
	some s in sectors
	s in gongmao_sectors
}
gongmao := 0 if {
	sectors != null
	count({s | some s in sectors; s in gongmao_sectors}) == 0
}

metallurgy := 1 if sectors == null
metallurgy := 2 if {
	sectors != null
	"metallurgy" in sectors
}
metallurgy := 0 if {
	sectors != null
	not "metallurgy" in sectors
}

# GM2023-3-1 对承包承租单位安全生产未统一管理或未定期检查
units := get(input, "contractor_or_tenant_units")

h3_1 := 1 if units == null
h3_1 := anyt([max([nb(get(u, "unified_coordination_and_management")), nb(get(u, "periodic_safety_inspection"))]) |
	some u in units
]) if units != null

# GM2023-3-2 特种作业人员未经培训或无相应资格上岗
workers := get(input, "special_operation_workers")

h3_2 := 1 if workers == null
h3_2 := anyt([min([
	tb(get(w, "working_in_special_operation")),
	max([nb(get(w, "completed_specialised_training")), nb(get(w, "holds_valid_qualification"))]),
]) |
	some w in workers
]) if workers != null

# GM2023-3-3 金属冶炼企业负责人或安全管理人员未经考核合格
managers := get(input, "safety_managers")

managers_unqualified := 1 if managers == null
managers_unqualified := anyt([nb(get(m, "assessed_qualified")) | some m in managers]) if managers != null

h3_3 := max([nb(get(input, "principal_person_assessed_qualified")), managers_unqualified])

# GM2023-4-1 熔融金属吊运跨地坪区域内设人员聚集场所或罐修工位
h4_1 := max([
	nonempty(get(input, "met_rooms_in_molten_lifting_bay_ground_area")),
	tb(get(input, "met_ladle_repair_station_in_molten_lifting_bay_ground_area")),
])

# GM2023-4-2 冶炼精炼铸造区域生产期间存在积水
h4_2 := min([tb(get(input, "in_production")), nonempty(get(input, "met_wet_zones"))])

# GM2023-4-3 连铸或模铸缺少事故钢水应急容纳设施
cc := tb(get(input, "met_has_continuous_casting"))

h4_3 := max([
	min([cc, nw(get(input, "met_cc_emergency_ladle"))]),
	min([cc, nw(get(input, "met_cc_tundish_breakout_pit"))]),
	min([cc, nw(get(input, "met_cc_tundish_overflow_pit"))]),
	min([cc, nw(get(input, "met_cc_breakout_rotary_chute"))]),
	min([tb(get(input, "met_has_ingot_casting")), nw(get(input, "met_ingot_emergency_ladle_pit_or_trough"))]),
])

# GM2023-4-4 炼钢炉水冷元件缺少监测报警或未与安全动作联锁
furnaces := get(input, "steelmaking_furnaces")

h4_4 := 1 if furnaces == null
h4_4 := anyt([max([
	nw(get(f, "wc_outlet_temp_alarm")),
	nw(get(f, "wc_flow_diff_alarm")),
	min([tb(get(f, "tilting_body")), nw(get(f, "interlock_tilting"))]),
	min([tb(get(f, "has_oxygen_or_sub_lance")), nw(get(f, "interlock_lance_auto_lift"))]),
	min([tb(get(f, "electrode_heated")), nw(get(f, "interlock_electrode_power_off_raise"))]),
]) |
	some f in furnaces
]) if furnaces != null

# GM2023-4-5 高炉炉顶压力设定超限或未与放散阀联锁 (两处"超过"均为严格大于)
bfs := get(input, "blast_furnaces")

h4_5 := 1 if bfs == null
h4_5 := anyt([max([
	min([tb(get(bf, "in_production")), gt(get(bf, "top_pressure_setpoint"), get(bf, "design_max_top_working_pressure"))]),
	nw(get(bf, "bleeder_interlock")),
	gt(get(bf, "bleeder_release_setpoint"), get(bf, "equipment_design_pressure")),
]) |
	some bf in bfs
]) if bfs != null

# GM2023-4-6 煤气区域缺少固定式一氧化碳报警或数据未接入值守场所
co_points := get(input, "met_co_points")

h4_6 := 1 if co_points == null
h4_6 := anyt([max([nw(get(p, "fixed_co_alarm")), nb(get(p, "data_to_24h_staffed_location"))]) |
	some p in co_points
]) if co_points != null

# GM2023-4-7 用煤气设施或入车间煤气管道未设隔断装置
isolation_points := get(input, "met_gas_isolation_points")

h4_7 := 1 if isolation_points == null
h4_7 := anyt([nw(get(x, "isolation_device")) | some x in isolation_points]) if isolation_points != null

# GM2023-4-8 煤气水封式排水器封堵能力不足或违规共用 ("小于30kPa"为严格小于)
drainers := get(input, "water_seal_drainers")

weak_drainer := 1 if drainers == null
weak_drainer := anyt([min([tb(get(d, "on_positive_pressure_gas_line")), lt_const(get(d, "max_sealing_gas_pressure"), 30)]) |
	some d in drainers
]) if drainers != null

h4_8 := max([
	weak_drainer,
	tb(get(input, "drainer_shared_across_both_sides_of_an_isolation_device")),
	tb(get(input, "upper_drain_pipes_of_different_gas_lines_connected")),
	tb(get(input, "drainer_shared_by_gas_lines_of_different_media")),
])

# The 11 outcomes, in yinhuan's rule order. For 第四条 min(gongmao, metallurgy) = metallurgy.
outcomes := [
	outcome(gongmao, h3_1),
	outcome(gongmao, h3_2),
	outcome(min([gongmao, tb(get(input, "is_metal_smelting_enterprise"))]), h3_3),
	outcome(metallurgy, h4_1),
	outcome(metallurgy, h4_2),
	outcome(metallurgy, h4_3),
	outcome(metallurgy, h4_4),
	outcome(metallurgy, h4_5),
	outcome(metallurgy, h4_6),
	outcome(metallurgy, h4_7),
	outcome(metallurgy, h4_8),
]
