//! Keyset pagination shared by every list: validated page arguments, opaque cursors that
//! survive inserts (they name a position by sort key and id, not by offset), and the page
//! that comes back.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::service::counts::CountsAt;

/// The page size when a client names none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// A position in a sorted list: the ordering it belongs to, the sort key of a row (as text)
/// and its id as tie-break.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    #[serde(rename = "o", default)]
    pub order: String,
    #[serde(rename = "k")]
    pub key: Option<String>,
    #[serde(rename = "i")]
    pub id: Uuid,
}

impl Cursor {
    /// The opaque form handed to clients.
    pub fn encode(&self) -> String {
        // Serialising two plain fields cannot fail; fall back to an empty cursor regardless.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a cursor a client sent back; anything else is bad input.
    pub fn decode(value: &str) -> ApiResult<Self> {
        URL_SAFE_NO_PAD
            .decode(value)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| ApiError::bad_input("invalid cursor"))
    }
}

/// Which way a page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `first` / `after`.
    Forward,
    /// `last` / `before`.
    Backward,
}

/// Validated page arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageArgs {
    pub limit: u64,
    pub direction: Direction,
    pub cursor: Option<Cursor>,
    /// Whether to count the whole list (a second statement; skipped when nobody asks).
    pub count_total: bool,
}

impl PageArgs {
    /// The same arguments, counting the whole list only when `count` is true.
    pub fn counting(self, count: bool) -> Self {
        Self {
            count_total: count,
            ..self
        }
    }

    /// Checks Relay arguments against the page-size cap.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        max_page_size: u32,
    ) -> ApiResult<Self> {
        let size = |name: &str, value: i32| -> ApiResult<u64> {
            if value < 0 {
                return Err(ApiError::bad_input(format!(
                    "`{name}` must not be negative"
                )));
            }
            let value = value.unsigned_abs();
            if value > max_page_size {
                return Err(ApiError::bad_input(format!(
                    "`{name}` must not exceed {max_page_size}"
                )));
            }
            Ok(u64::from(value))
        };
        match (first, last) {
            (Some(_), Some(_)) => Err(ApiError::bad_input(
                "give either `first` or `last`, not both",
            )),
            (_, Some(last)) => {
                if after.is_some() {
                    return Err(ApiError::bad_input("`after` goes with `first`, not `last`"));
                }
                Ok(Self {
                    limit: size("last", last)?,
                    direction: Direction::Backward,
                    cursor: before.as_deref().map(Cursor::decode).transpose()?,
                    count_total: true,
                })
            }
            (first, None) => {
                if before.is_some() {
                    return Err(ApiError::bad_input(
                        "`before` goes with `last`, not `first`",
                    ));
                }
                Ok(Self {
                    limit: size("first", first.unwrap_or(DEFAULT_PAGE_SIZE as i32))?,
                    direction: Direction::Forward,
                    cursor: after.as_deref().map(Cursor::decode).transpose()?,
                    count_total: true,
                })
            }
        }
    }
}

/// One page of a list, in the list's order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(Cursor, T)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Copies of the page's items, in order.
    pub fn models(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.items.iter().map(|(_, t)| t.clone()).collect()
    }

    /// The same page with every item turned into something else.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total_count: self.total_count,
        }
    }

    /// Builds a page from rows fetched with one row more than the limit (which tells whether
    /// more follow). Backward reads fetch in reverse order and are turned round here.
    pub fn from_rows(mut rows: Vec<(Cursor, T)>, args: &PageArgs, total_count: u64) -> Self {
        let more = rows.len() as u64 > args.limit;
        rows.truncate(usize::try_from(args.limit).unwrap_or(usize::MAX));
        let had_cursor = args.cursor.is_some();
        match args.direction {
            Direction::Forward => Self {
                items: rows,
                has_next_page: more,
                has_previous_page: had_cursor,
                total_count,
            },
            Direction::Backward => {
                rows.reverse();
                Self {
                    items: rows,
                    has_next_page: had_cursor,
                    has_previous_page: more,
                    total_count,
                }
            }
        }
    }
}

/// How a list is sorted: an optional key column (compared as the value `parse_key` makes of
/// a cursor's key) and the id column as tie-break.
pub struct KeysetOrder<E: sea_orm::EntityTrait, M> {
    /// Names the ordering in cursors, so a cursor of one ordering is refused by another.
    pub name: &'static str,
    pub key: Option<E::Column>,
    pub id: E::Column,
    pub parse_key: fn(&str) -> ApiResult<sea_orm::Value>,
    pub key_of: fn(&M) -> Option<String>,
    pub id_of: fn(&M) -> Uuid,
}

impl<E: sea_orm::EntityTrait, M> KeysetOrder<E, M> {
    /// The cursor of a row in this ordering.
    pub fn cursor(&self, model: &M) -> Cursor {
        Cursor {
            order: self.name.to_owned(),
            key: (self.key_of)(model),
            id: (self.id_of)(model),
        }
    }
}

/// Counts the rows `select` selects with `COUNT(*)` over the table itself (not over a
/// subquery of every column, which the planner cannot answer from an index), or takes the
/// total remembered for the same statement at the current data version.
async fn count_rows<E, C>(
    db: &C,
    select: &sea_orm::Select<E>,
    remembered: Option<CountsAt<'_>>,
) -> ApiResult<u64>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::sea_query::Expr;
    use sea_orm::{QuerySelect, QueryTrait};

    let counting = select
        .clone()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "total");
    let statement = remembered.map(|_| counting.build(db.get_database_backend()).to_string());
    if let Some((at, statement)) = remembered.zip(statement.as_deref())
        && let Some(total) = at.get(statement)
    {
        return Ok(total);
    }
    let total = counting
        .into_tuple::<i64>()
        .one(db)
        .await?
        .map_or(0, |n| u64::try_from(n).unwrap_or(0));
    if let Some((at, statement)) = remembered.zip(statement.as_deref()) {
        at.remember(statement, total);
    }
    Ok(total)
}

/// Reads one page of `select` in keyset order (ascending, or descending when asked), with
/// the total count of the whole list (remembered at a data version when `remembered` is
/// given: only for lists whose every change bumps that version).
pub async fn keyset_page<E, C>(
    db: &C,
    select: sea_orm::Select<E>,
    order: &KeysetOrder<E, E::Model>,
    descending: bool,
    args: &PageArgs,
    remembered: Option<CountsAt<'_>>,
) -> ApiResult<Page<E::Model>>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{Order, QueryFilter, QueryOrder, QuerySelect};

    let total_count = if args.count_total {
        count_rows(db, &select, remembered).await?
    } else {
        0
    };
    // Reading backwards walks the list in the opposite direction and turns the page round.
    let ascending = (args.direction == Direction::Forward) != descending;
    let mut select = select;
    if let Some(cursor) = &args.cursor {
        if cursor.order != order.name {
            return Err(ApiError::bad_input(
                "the cursor belongs to another ordering of this list",
            ));
        }
        // A row-value comparison, `(key, id) > (k, i)`, lets both engines seek in the
        // (key, id) index instead of scanning from the start.
        let (columns, values) = match (order.key, &cursor.key) {
            (Some(key_col), Some(key)) => (
                Expr::tuple([Expr::col(key_col), Expr::col(order.id)]),
                Expr::tuple([Expr::val((order.parse_key)(key)?), Expr::val(cursor.id)]),
            ),
            (Some(_), None) => return Err(ApiError::bad_input("invalid cursor")),
            (None, _) => (Expr::col(order.id), Expr::val(cursor.id)),
        };
        select = select.filter(if ascending {
            columns.gt(values)
        } else {
            columns.lt(values)
        });
    }
    let direction = if ascending { Order::Asc } else { Order::Desc };
    if let Some(key_col) = order.key {
        select = select.order_by(key_col, direction.clone());
    }
    let rows = select
        .order_by(order.id, direction)
        .limit(args.limit + 1)
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|model| (order.cursor(&model), model))
        .collect();
    Ok(Page::from_rows(rows, args, total_count))
}

/// Cursor keys of text columns bind as text.
pub fn text_key(key: &str) -> ApiResult<sea_orm::Value> {
    Ok(sea_orm::Value::from(key.to_owned()))
}

/// Cursor keys of date columns bind as dates.
pub fn date_key(key: &str) -> ApiResult<sea_orm::Value> {
    chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d")
        .map(sea_orm::Value::from)
        .map_err(|_| ApiError::bad_input("invalid cursor"))
}

/// Cursor keys of timestamp columns bind as UTC timestamps.
pub fn timestamp_key(key: &str) -> ApiResult<sea_orm::Value> {
    chrono::DateTime::parse_from_rfc3339(key)
        .map(|t| sea_orm::Value::from(t.with_timezone(&chrono::Utc)))
        .map_err(|_| ApiError::bad_input("invalid cursor"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let cursor = Cursor {
            order: "name".into(),
            key: Some("Olten".into()),
            id: Uuid::nil(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        assert!(Cursor::decode("not a cursor").is_err());
    }

    #[test]
    fn page_size_is_capped_with_a_clear_error() {
        let err = PageArgs::new(Some(101), None, None, None, 100).unwrap_err();
        assert_eq!(err.code(), crate::error::Code::BadUserInput);
        assert!(err.to_string().contains("100"));
        assert!(PageArgs::new(Some(-1), None, None, None, 100).is_err());
        assert!(PageArgs::new(Some(1), None, Some(1), None, 100).is_err());
        assert_eq!(
            PageArgs::new(None, None, None, None, 100).unwrap().limit,
            20
        );
    }
}
