//! A result row's values, read as the same Rust types from both backends.

use std::borrow::Cow;

use postgres::types::Type;

use super::DbError;

/// One value of a row, as both backends have it.
#[derive(Debug)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

/// A type a column is read as.
pub trait Column: Sized {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String>;
}

impl Column for i64 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Int(value) => Ok(value),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}

impl Column for u32 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        let value = i64::from_cell(cell)?;
        u32::try_from(value).map_err(|_| format!("{value} does not fit a u32"))
    }
}

impl Column for bool {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        i64::from_cell(cell).map(|value| value != 0)
    }
}

impl Column for f64 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Real(value) => Ok(value),
            // SQLite keeps a REAL that is a whole number as written; sums of no rows are integers.
            Cell::Int(value) => Ok(value as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl Column for String {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Text(text) => Ok(text.into_owned()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl<T: Column> Column for Option<T> {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// A row of a result.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `index` (from 0) as a `T`.
    pub fn get<T: Column>(&self, index: usize) -> Result<T, DbError> {
        let cell = self.cell(index).map_err(|problem| DbError::Decode {
            column: index,
            problem,
        })?;
        T::from_cell(cell).map_err(|problem| DbError::Decode {
            column: index,
            problem,
        })
    }

    fn cell(&self, index: usize) -> Result<Cell<'_>, String> {
        match self {
            Self::Sqlite(row) => {
                use rusqlite::types::ValueRef;
                Ok(
                    match row.get_ref(index).map_err(|error| error.to_string())? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(value) => Cell::Int(value),
                        ValueRef::Real(value) => Cell::Real(value),
                        ValueRef::Text(text) => Cell::Text(String::from_utf8_lossy(text)),
                        ValueRef::Blob(_) => return Err("a blob".to_owned()),
                    },
                )
            }
            Self::Postgres(row) => postgres_cell(row, index),
        }
    }
}

fn postgres_cell(row: &postgres::Row, index: usize) -> Result<Cell<'_>, String> {
    let ty = row
        .columns()
        .get(index)
        .ok_or_else(|| format!("the row has no column {index}"))?
        .type_()
        .clone();
    let problem = |error: postgres::Error| error.to_string();
    let cell = match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(index)
            .map_err(problem)?
            .map(Cell::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)
            .map_err(problem)?
            .map(|value| Cell::Int(value.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)
            .map_err(problem)?
            .map(|value| Cell::Int(value.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)
            .map_err(problem)?
            .map(|value| Cell::Int(value.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(index)
            .map_err(problem)?
            .map(Cell::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(index)
            .map_err(problem)?
            .map(|value| Cell::Real(value.into())),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => row
            .try_get::<_, Option<&str>>(index)
            .map_err(problem)?
            .map(|text| Cell::Text(Cow::Borrowed(text))),
        other => {
            return Err(format!(
                "PostgreSQL type {other} is not read by crowdbox (cast it in the statement)"
            ))
        }
    };
    Ok(cell.unwrap_or(Cell::Null))
}
