//! The fact schema: enums, entities and their typed fields, resolved from all rule files into one
//! index-addressed structure. Field and choice names resolve to slots here, once, at compile time.

use indexmap::IndexMap;

use crate::units::{Dimension, Unit};

pub type EnumId = u32;
pub type EntityId = u32;

/// The entity every fact document describes: its JSON root.
pub const ENTERPRISE: EntityId = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Bool,
    Integer,
    Decimal,
    Quantity(Dimension),
    Text,
    Date,
    Enum(EnumId),
    EnumList(EnumId),
    EntityList(EntityId),
}

impl Type {
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Integer | Type::Decimal | Type::Quantity(_))
    }
}

#[derive(Debug, Clone)]
pub struct ChoiceDef {
    pub name: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub label: String,
    pub choices: Vec<ChoiceDef>,
    pub index: IndexMap<String, u32>,
}

impl EnumDef {
    pub fn choice(&self, id: u32) -> Option<&ChoiceDef> {
        self.choices.get(id as usize)
    }
    /// Finds a choice by id or by its Chinese label.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.index.get(text).copied().or_else(|| {
            self.choices
                .iter()
                .position(|c| c.label == text)
                .map(|i| i as u32)
        })
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub label: String,
    pub help: Option<String>,
    pub ty: Type,
    /// The unit the field is declared in (quantities only); facts given as bare numbers are in it.
    pub unit: Option<&'static Unit>,
    /// The standard whose files declared this field (`None` for common.yh).
    pub declared_in: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EntityDef {
    pub name: String,
    pub label: String,
    pub fields: Vec<FieldDef>,
    pub index: IndexMap<String, u32>,
}

impl EntityDef {
    pub fn field(&self, slot: u32) -> Option<&FieldDef> {
        self.fields.get(slot as usize)
    }
    /// The slot of the field used to name an instance in reports (`name`, else `id`).
    pub fn naming_slot(&self) -> Option<u32> {
        self.index
            .get("name")
            .or_else(|| self.index.get("id"))
            .copied()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub enums: Vec<EnumDef>,
    pub enum_index: IndexMap<String, EnumId>,
    pub entities: Vec<EntityDef>,
    pub entity_index: IndexMap<String, EntityId>,
}

impl Schema {
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(id as usize)
    }
    pub fn entity(&self, id: EntityId) -> Option<&EntityDef> {
        self.entities.get(id as usize)
    }
    pub fn field(&self, entity: EntityId, slot: u32) -> Option<&FieldDef> {
        self.entity(entity).and_then(|e| e.field(slot))
    }

    /// A short English description of a type, used in error messages.
    pub fn describe(&self, ty: Type) -> String {
        match ty {
            Type::Bool => "a yes/no value".into(),
            Type::Integer => "a whole number".into(),
            Type::Decimal => "a number".into(),
            Type::Quantity(d) => format!("a quantity of {d}"),
            Type::Text => "text".into(),
            Type::Date => "a date".into(),
            Type::Enum(e) => format!(
                "a choice of `{}`",
                self.enum_def(e).map_or("?", |d| &d.name)
            ),
            Type::EnumList(e) => format!(
                "a list of `{}` choices",
                self.enum_def(e).map_or("?", |d| &d.name)
            ),
            Type::EntityList(e) => {
                format!("a list of `{}`", self.entity(e).map_or("?", |d| &d.name))
            }
        }
    }

    /// The type name as written in rule files (`quantity kPa`, `list of sector`).
    pub fn type_name(&self, ty: Type, unit: Option<&Unit>) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Integer => "integer".into(),
            Type::Decimal => "decimal".into(),
            Type::Quantity(d) => format!(
                "quantity {}",
                unit.map_or(d.display_unit().name, |u| u.name)
            ),
            Type::Text => "text".into(),
            Type::Date => "date".into(),
            Type::Enum(e) => self.enum_def(e).map_or("?".into(), |d| d.name.clone()),
            Type::EnumList(e) => format!("list of {}", self.enum_def(e).map_or("?", |d| &d.name)),
            Type::EntityList(e) => format!("list of {}", self.entity(e).map_or("?", |d| &d.name)),
        }
    }
}
