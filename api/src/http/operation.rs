//! What a request's document says about the operation it runs, read once per request: its
//! name, its type and its root fields. The `GET` check, the response cache and the metrics
//! all need it; parsing the text once for all of them keeps a long query from being parsed
//! three times before it runs.

use async_graphql::parser::types::{OperationType, Selection};

/// The operation a request runs.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The name the client chose, else the one in the document.
    pub name: Option<String>,
    pub kind: OperationType,
    /// Root field names; `None` when fragments stand at the root (not judged cheaply).
    pub root_fields: Option<Vec<String>>,
}

/// Describes the operation `request` selects; `None` when the text does not parse or names
/// no such operation (the executor then reports the error).
pub fn describe(request: &async_graphql::Request) -> Option<Operation> {
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    let (name, operation) = match &request.operation_name {
        Some(wanted) => document
            .operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == wanted))?,
        None => document.operations.iter().next()?,
    };
    let mut root_fields = Some(Vec::new());
    for item in &operation.node.selection_set.node.items {
        match (&item.node, root_fields.as_mut()) {
            (Selection::Field(field), Some(names)) => {
                names.push(field.node.name.node.to_string());
            }
            _ => root_fields = None,
        }
    }
    Some(Operation {
        name: request
            .operation_name
            .clone()
            .or_else(|| name.map(|n| n.to_string())),
        kind: operation.node.ty,
        root_fields,
    })
}
