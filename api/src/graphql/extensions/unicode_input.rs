//! GraphQL requests in NFC (see `crate::nfc`): the document, whose string literals are the
//! only place it can hold text beyond ASCII, and every string among the variables. Done
//! once per request, before the document is parsed, so every resolver, check and search
//! sees composed text whichever way the client's keyboard wrote it.

use async_graphql::{Request, Value};

use crate::nfc::make_nfc;

/// Brings the request's document and variables to NFC.
pub fn compose(request: &mut Request) {
    make_nfc(&mut request.query);
    for value in request.variables.values_mut() {
        compose_value(value);
    }
}

fn compose_value(value: &mut Value) {
    match value {
        Value::String(text) => make_nfc(text),
        Value::List(items) => items.iter_mut().for_each(compose_value),
        Value::Object(fields) => fields.values_mut().for_each(compose_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_nested_variables_are_composed() {
        let mut request =
            Request::new("{ searchOffers(query: \"Ha\u{0308}gendorf\") { totalCount } }")
                .variables(async_graphql::Variables::from_json(serde_json::json!({
                    "input": { "titles": ["Cafe\u{0301}"], "n": 1 }
                })));
        compose(&mut request);
        assert!(request.query.contains("\"Hägendorf\""));
        let variables = request.variables.into_value().into_json().unwrap();
        assert_eq!(variables["input"]["titles"][0], "Café");
        assert_eq!(variables["input"]["n"], 1);
    }
}
