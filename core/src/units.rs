//! Units of measure. Every quantity is held in its dimension's base unit as an exact decimal, so that
//! `3000 mmH2O < 30 kPa` and `4.6 t / 5 t + 40 t / 500 t == 1` hold exactly.

use rust_decimal::Decimal;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Pressure,
    Mass,
    Length,
    Area,
    Volume,
    Time,
    People,
    Ratio,
    Temperature,
    Voltage,
    Power,
    Speed,
    Angle,
    /// Calendar months: added to a date, they move it by whole months, not by a number of days.
    Calendar,
}

impl Dimension {
    /// Quantities that a fact may never give as negative (an inventory, a head count). The
    /// evaluator relies on this to bound sums with unknown terms from below.
    pub fn never_negative(self) -> bool {
        matches!(
            self,
            Dimension::Mass | Dimension::Volume | Dimension::Area | Dimension::People
        )
    }

    /// The unit reports use for computed quantities of this dimension.
    pub fn display_unit(self) -> &'static Unit {
        let name = match self {
            Dimension::Pressure => "kPa",
            Dimension::Mass => "t",
            Dimension::Length => "m",
            Dimension::Area => "m2",
            Dimension::Volume => "m3",
            Dimension::Time => "d",
            Dimension::People => "persons",
            Dimension::Ratio => "%",
            Dimension::Temperature => "degC",
            Dimension::Voltage => "kV",
            Dimension::Power => "kW",
            Dimension::Speed => "m/s",
            Dimension::Angle => "deg",
            Dimension::Calendar => "months",
        };
        UNITS.iter().find(|u| u.name == name).unwrap_or(&PASCAL)
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Dimension::Pressure => "pressure",
            Dimension::Mass => "mass",
            Dimension::Length => "length",
            Dimension::Area => "area",
            Dimension::Volume => "volume",
            Dimension::Time => "time",
            Dimension::People => "number of people",
            Dimension::Ratio => "ratio",
            Dimension::Temperature => "temperature",
            Dimension::Voltage => "voltage",
            Dimension::Power => "power",
            Dimension::Speed => "speed",
            Dimension::Angle => "angle",
            Dimension::Calendar => "calendar time",
        };
        f.write_str(s)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Unit {
    pub name: &'static str,
    pub dimension: Dimension,
    /// How many base units one of this unit is, as (mantissa, scale): value = mantissa × 10^-scale.
    factor: (i64, u32),
}

impl Unit {
    pub fn factor(&self) -> Decimal {
        Decimal::new(self.factor.0, self.factor.1)
    }
    /// Converts a value in this unit to the base unit; `None` on overflow.
    pub fn to_base(&self, v: Decimal) -> Option<Decimal> {
        v.checked_mul(self.factor())
    }
    /// Converts a base-unit value to this unit.
    pub fn from_base(&self, v: Decimal) -> Option<Decimal> {
        v.checked_div(self.factor())
    }
}

macro_rules! unit {
    ($name:expr, $dim:ident, $m:expr, $s:expr) => {
        Unit {
            name: $name,
            dimension: Dimension::$dim,
            factor: ($m, $s),
        }
    };
}

static PASCAL: Unit = unit!("Pa", Pressure, 1, 0);

/// Base units: Pa, kg, m, m2, m3, s, persons, ratio 1, degC, V, W, m/s.
pub static UNITS: &[Unit] = &[
    unit!("Pa", Pressure, 1, 0),
    unit!("kPa", Pressure, 1000, 0),
    unit!("MPa", Pressure, 1_000_000, 0),
    // 1 mmH2O = 9.80665 Pa (conventional water column).
    unit!("mmH2O", Pressure, 980_665, 5),
    unit!("g", Mass, 1, 3),
    unit!("kg", Mass, 1, 0),
    unit!("t", Mass, 1000, 0),
    unit!("mm", Length, 1, 3),
    unit!("cm", Length, 1, 2),
    unit!("m", Length, 1, 0),
    unit!("km", Length, 1000, 0),
    unit!("m2", Area, 1, 0),
    unit!("L", Volume, 1, 3),
    unit!("m3", Volume, 1, 0),
    unit!("s", Time, 1, 0),
    unit!("min", Time, 60, 0),
    unit!("h", Time, 3600, 0),
    unit!("d", Time, 86_400, 0),
    unit!("persons", People, 1, 0),
    unit!("%", Ratio, 1, 2),
    unit!("degC", Temperature, 1, 0),
    unit!("V", Voltage, 1, 0),
    unit!("kV", Voltage, 1000, 0),
    unit!("W", Power, 1, 0),
    unit!("kW", Power, 1000, 0),
    unit!("MW", Power, 1_000_000, 0),
    unit!("m/s", Speed, 1, 0),
    unit!("deg", Angle, 1, 0),
    unit!("months", Calendar, 1, 0),
    unit!("years", Calendar, 12, 0),
    // 1 km/h = 1000/3600 m/s; kept as an exact ratio by dividing at conversion time is not possible
    // with a single factor, so km/h is stored with 28 digits of precision.
    Unit {
        name: "km/h",
        dimension: Dimension::Speed,
        factor: (2_777_777_777_777_778, 19),
    },
];

/// Looks a unit up by its name as written in rule files and facts (`kPa`, `t`, `persons`, `人`).
pub fn lookup(name: &str) -> Option<&'static Unit> {
    let name = match name {
        "人" => "persons",
        "℃" => "degC",
        "°" => "deg",
        "吨" => "t",
        "千克" => "kg",
        "米" => "m",
        other => other,
    };
    UNITS.iter().find(|u| u.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn water_column_converts_exactly() {
        let mm = lookup("mmH2O").unwrap();
        let kpa = lookup("kPa").unwrap();
        let v = mm.to_base(Decimal::from(3000)).unwrap();
        assert_eq!(
            kpa.from_base(v).unwrap(),
            Decimal::from_str("29.41995").unwrap()
        );
        assert!(v < kpa.to_base(Decimal::from(30)).unwrap());
    }

    #[test]
    fn ratios_sum_exactly() {
        let a = Decimal::from_str("4.6").unwrap() / Decimal::from(5);
        let b = Decimal::from(40) / Decimal::from(500);
        assert_eq!(a + b, Decimal::ONE);
    }
}
