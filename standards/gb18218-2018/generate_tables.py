#!/usr/bin/env python3
"""Generate tables.yh (GB 18218-2018 Tables 1-4) from the CSV files in data/.

    python3 generate_tables.py            # (re)write tables.yh
    python3 generate_tables.py --check    # exit 1 unless tables.yh matches the CSVs

The CSVs are copies of the reference data (../shared/reference/standards/gb18218-2018-*.csv);
every number is an exact decimal literal and is copied as text, never through a float.

What is generated:
  enum  gb18218_substance    Table 1 rows (ids t1_01 ... t1_85, labels = the standard's names)
                             + Table 2 category codes (ids j1 ... w11) for chemicals not in Table 1
  enum  gb18218_beta_class   Table 3 named toxic gases + Table 4 category codes
  table gb18218_critical_quantity : gb18218_substance -> quantity t   (Tables 1 and 2)
  table gb18218_beta              : gb18218_beta_class -> decimal      (Tables 3 and 4)

--check does not compare bytes (the file is run through `yinhuan fmt`); it parses the enum
choices and table rows of tables.yh and compares them, value by value, with the CSVs.
"""
import argparse
import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "tables.yh"

# Table 3 gases: identifier for each name in gb18218-2018-beta.csv (kind=substance).
GAS_IDS = {
    "一氧化碳": "carbon_monoxide",
    "二氧化硫": "sulfur_dioxide",
    "氨": "ammonia",
    "环氧乙烷": "ethylene_oxide",
    "氯化氢": "hydrogen_chloride",
    "溴甲烷": "methyl_bromide",
    "氯": "chlorine",
    "硫化氢": "hydrogen_sulfide",
    "氟化氢": "hydrogen_fluoride",
    "二氧化氮": "nitrogen_dioxide",
    "氰化氢": "hydrogen_cyanide",
    "碳酰氯": "phosgene",
    "磷化氢": "phosphine",
    "异氰酸甲酯": "methyl_isocyanate",
}


def code_id(code: str) -> str:
    """Table 2 / Table 4 code -> identifier: `W5.3` -> `w5_3`."""
    return code.lower().replace(".", "_")


def row_id(seq: str) -> str:
    return f"t1_{int(seq):02d}"


def read(data: Path, name: str):
    with open(data / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load(data: Path):
    """The expected content: enum choices (id, label) and table rows (id, value text)."""
    t1 = read(data, "gb18218-2018-table1.csv")
    t2 = read(data, "gb18218-2018-table2.csv")
    beta = read(data, "gb18218-2018-beta.csv")
    seqs = [int(r["seq"]) for r in t1]
    if seqs != list(range(1, 86)):
        sys.exit("table 1 must have rows 1..85 in order")
    for r in t1 + t2 + beta:
        for k in ("critical_t", "beta"):
            if k in r:
                Decimal(r[k])  # exact decimal literal, or this raises
    substance = [(row_id(r["seq"]), r["name_zh"], r) for r in t1]
    substance += [
        (code_id(r["code"]), f"未列入表1：表2 {r['code']} {r['category_zh']}（{r['description_zh']}）", r)
        for r in t2
    ]
    quantity = [(i, r["critical_t"]) for i, _, r in substance]
    beta_class = []
    for r in beta:
        if r["kind"] == "substance":
            beta_class.append((GAS_IDS[r["key"]], f"表3：{r['key']}", r))
        elif r["kind"] == "category":
            cat = next(c for c in t2 if c["code"] == r["key"])
            beta_class.append((code_id(r["key"]), f"表4：{r['key']} {cat['category_zh']}（{cat['description_zh']}）", r))
        else:
            sys.exit(f"unknown kind {r['kind']!r} in the beta CSV")
    betas = [(i, r["beta"]) for i, _, r in beta_class]
    return substance, quantity, beta_class, betas


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(substance, quantity, beta_class, betas) -> str:
    out = []
    w = out.append
    w("part of gb18218-2018")
    w("")
    w("# 本文件由 generate_tables.py 根据 data/ 下的 CSV 生成，请勿手工修改；")
    w("# 修改 CSV 后运行 `python3 generate_tables.py`，再运行 `yinhuan fmt`；")
    w("# `python3 generate_tables.py --check` 检查本文件与 CSV 是否一致。")
    w("")
    w("# 危险化学品的辨识对象：表1所列危险化学品按表1序号取值（t1_01 = 表1第1项），名称与标准一致；")
    w("# 未列入表1的危险化学品按表2危险性类别代码取值（w5_3 = 表2 W5.3）。")
    w('enum gb18218_substance "危险化学品（表1名称或表2类别）" {')
    width = max(len(i) for i, _, _ in substance)
    for i, label, r in substance:
        line = f"  {i.ljust(width)} {q(label)}"
        w(line)
    w("}")
    w("")
    w("# 校正系数β的取值依据：表3所列毒性气体按名称取值；其他危险化学品按表4危险性类别取值。")
    w('enum gb18218_beta_class "校正系数β的取值依据（表3毒性气体或表4类别）" {')
    width = max(len(i) for i, _, _ in beta_class)
    for i, label, _ in beta_class:
        w(f"  {i.ljust(width)} {q(label)}")
    w("}")
    w("")
    w("# 表1（危险化学品名称及其临界量）与表2（未在表1中列举的危险化学品类别及其临界量），单位 t。")
    w('table gb18218_critical_quantity "临界量 Q" : gb18218_substance -> quantity t {')
    width = max(len(i) for i, _ in quantity)
    names = {i: (label if i.startswith("t1_") else None, r) for i, label, r in substance}
    for i, v in quantity:
        label, r = names[i]
        comment = ""
        if label is not None:
            extra = "；".join(x for x in (r["aliases"], ("CAS " + r["cas"]) if r["cas"] else "") if x)
            comment = f"  # {r['seq']} {label}" + (f"（{extra}）" if extra else "")
        w(f"  {i.ljust(width)} => {v}{comment}")
    w("}")
    w("")
    w("# 表3（毒性气体校正系数β）与表4（未在表3中列举的危险化学品校正系数β）。")
    w('table gb18218_beta "校正系数 β" : gb18218_beta_class -> decimal {')
    width = max(len(i) for i, _ in betas)
    for i, v in betas:
        w(f"  {i.ljust(width)} => {v}")
    w("}")
    return "\n".join(out) + "\n"


ENUM_RE = re.compile(r"^enum\s+(\w+)\s+\"[^\"]*\"\s*\{(.*?)^\}", re.S | re.M)
TABLE_RE = re.compile(r"^table\s+(\w+)\s+\"[^\"]*\"\s*:[^{]*\{(.*?)^\}", re.S | re.M)
CHOICE_RE = re.compile(r'^\s*([a-z0-9_]+)\s+"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$')
ROW_RE = re.compile(r"^\s*([a-z0-9_]+)\s*=>\s*([0-9.]+)\s*(?:t\b)?\s*(?:#.*)?$")


def parse(text: str):
    enums = {n: [] for n, _ in ENUM_RE.findall(text)}
    for name, body in ENUM_RE.findall(text):
        for line in body.splitlines():
            if line.strip() and not line.strip().startswith("#"):
                m = CHOICE_RE.match(line)
                if not m:
                    raise ValueError(f"cannot read enum line {line!r}")
                enums[name].append((m.group(1), m.group(2).replace('\\"', '"').replace("\\\\", "\\")))
    tables = {}
    for name, body in TABLE_RE.findall(text):
        rows = []
        for line in body.splitlines():
            if line.strip() and not line.strip().startswith("#"):
                m = ROW_RE.match(line)
                if not m:
                    raise ValueError(f"cannot read table line {line!r}")
                rows.append((m.group(1), Decimal(m.group(2))))
        tables[name] = rows
    return enums, tables


def check(data: Path) -> int:
    substance, quantity, beta_class, betas = load(data)
    enums, tables = parse(OUT.read_text(encoding="utf-8"))
    expected = {
        "enum gb18218_substance": [(i, l) for i, l, _ in substance],
        "enum gb18218_beta_class": [(i, l) for i, l, _ in beta_class],
        "table gb18218_critical_quantity": [(i, Decimal(v)) for i, v in quantity],
        "table gb18218_beta": [(i, Decimal(v)) for i, v in betas],
    }
    actual = {
        "enum gb18218_substance": enums.get("gb18218_substance"),
        "enum gb18218_beta_class": enums.get("gb18218_beta_class"),
        "table gb18218_critical_quantity": tables.get("gb18218_critical_quantity"),
        "table gb18218_beta": tables.get("gb18218_beta"),
    }
    bad = 0
    for what, exp in expected.items():
        act = actual[what]
        if act is None:
            print(f"{OUT.name}: {what} is missing", file=sys.stderr)
            bad += 1
            continue
        if act != exp:
            bad += 1
            ea, aa = dict(exp), dict(act)
            for k in sorted(set(ea) | set(aa)):
                if ea.get(k) != aa.get(k):
                    show = lambda v: "missing" if v is None else f"`{v}`"
                    print(f"{OUT.name}: {what} `{k}`: file has {show(aa.get(k))}, CSV gives {show(ea.get(k))}", file=sys.stderr)
            if [k for k, _ in exp] != [k for k, _ in act] and set(ea) == set(aa):
                print(f"{OUT.name}: {what}: rows are out of order", file=sys.stderr)
    if bad:
        print(f"{OUT.name} does not match the CSVs; run `python3 {Path(__file__).name}`", file=sys.stderr)
        return 1
    print(f"{OUT.name} matches the CSVs ({len(substance)} substances/categories, {len(betas)} β values)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="verify tables.yh against the CSVs; write nothing")
    ap.add_argument("--data", type=Path, default=HERE / "data", help="folder holding the three CSV files")
    a = ap.parse_args()
    if a.check:
        return check(a.data)
    OUT.write_text(render(*load(a.data)), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
