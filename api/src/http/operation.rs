//! What a request's document says about the operation it runs, read once per request: its
//! name, its type and its root fields. The `GET` check, the response cache and the metrics
//! all need it. The document is parsed once, here, and kept in the request, so the
//! executor runs the same parsed document instead of parsing the text again.

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

/// Describes the operation `request` selects, parsing its document into the request;
/// `None` when the text does not parse or names no such operation (the executor then
/// reports the error). Check the text's size before: this parses whatever it is given.
pub fn describe(request: &mut async_graphql::Request) -> Option<Operation> {
    let chosen = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    let (name, operation) = match &chosen {
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
        name: chosen.or_else(|| name.map(|n| n.to_string())),
        kind: operation.node.ty,
        root_fields,
    })
}
