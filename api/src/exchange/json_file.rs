//! The JSON shape: an array of offers, each exactly what `createOffer` takes as `input`
//! (`providerId`, `kind`, `translations`, …). Records are read and written by a
//! [`RecordShape`] that the GraphQL layer supplies from the input type itself, so a file and
//! the API can never disagree on a field.
//!
//! A record may leave out `providerId`: it then belongs to the provider the file is
//! imported into. Exports of one provider leave it out, so they import into any provider;
//! exports of every provider name each record's.

use async_graphql::Value;
use uuid::Uuid;

use super::{FieldNames, FileOffer, FileRow, file_error};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids::{NodeType, global_id};
use crate::service::offer::draft::OfferDraft;

/// How one record reads into a draft and is written from one: the shape of `createOffer`'s
/// input, which the GraphQL layer owns.
pub trait RecordShape: Sync {
    /// The provider the record names and its draft; a refusal names the fields as the
    /// input type does (`input.translations[0].title`).
    fn read(&self, record: serde_json::Value) -> ApiResult<(Uuid, OfferDraft)>;

    /// The record of a draft of `provider_id`'s, every field in the input type's order.
    fn write(&self, provider_id: Uuid, draft: &OfferDraft) -> Value;
}

/// Reads a JSON file of offers.
pub fn read(text: &str, shape: &dyn RecordShape) -> ApiResult<Vec<FileRow>> {
    let document: serde_json::Value = serde_json::from_str(text).map_err(|err| {
        file_error(format!(
            "the file is not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ))
    })?;
    let serde_json::Value::Array(records) = document else {
        return Err(file_error(
            "a JSON file is an array of offers, each shaped like createOffer's input",
        ));
    };
    Ok(records
        .into_iter()
        .enumerate()
        .map(|(index, record)| read_record(index + 1, record, shape))
        .collect())
}

fn read_record(row: usize, mut record: serde_json::Value, shape: &dyn RecordShape) -> FileRow {
    let external_ref = record
        .get("externalRef")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    // Without `providerId` the record is the importing provider's; the input type needs
    // one, so a stand-in (the nil id) is parsed and then forgotten.
    let named_provider = match &mut record {
        serde_json::Value::Object(members) if !members.contains_key("providerId") => {
            members.insert(
                "providerId".to_owned(),
                serde_json::Value::String(global_id(NodeType::Provider, Uuid::nil()).to_string()),
            );
            false
        }
        _ => true,
    };
    let (provider_id, draft) = match shape.read(record) {
        Ok((provider_id, draft)) => (named_provider.then_some(provider_id), Ok(draft)),
        Err(ApiError::BadUserInput { fields, message }) => {
            let fields = if fields.is_empty() {
                vec![FieldError::new("offer", message)]
            } else {
                fields
                    .into_iter()
                    .map(|f| {
                        let field = f.field.strip_prefix("input.").unwrap_or(&f.field);
                        FieldError::new(field, f.message)
                    })
                    .collect()
            };
            (None, Err(fields))
        }
        Err(other) => (None, Err(vec![FieldError::new("offer", other.to_string())])),
    };
    FileRow {
        row,
        external_ref,
        provider_id,
        draft,
        names: std::sync::Arc::new(FieldNames::Json),
    }
}

/// Writes offers as a JSON array of `createOffer` inputs, fields in the input type's order,
/// without the ones left empty, and without `providerId` unless `with_provider`.
pub fn write(
    offers: &[FileOffer],
    with_provider: bool,
    shape: &dyn RecordShape,
) -> ApiResult<String> {
    let records: Vec<Value> = offers
        .iter()
        .map(|o| {
            let mut value = shape.write(o.provider_id, &o.draft);
            drop_empty(&mut value);
            if let Value::Object(members) = &mut value
                && !with_provider
            {
                members.shift_remove("providerId");
            }
            value
        })
        .collect();
    serde_json::to_string_pretty(&records).map_err(|err| {
        ApiError::internal(format_args!("an offer export could not be encoded: {err}"))
    })
}

/// Drops `null` members, and the lists left empty, which mean the same in an input.
fn drop_empty(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|_, v| {
                !matches!(v, Value::Null) && !matches!(v, Value::List(items) if items.is_empty())
            });
            members.values_mut().for_each(drop_empty);
        }
        Value::List(items) => items.iter_mut().for_each(drop_empty),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_out_empty_members() {
        let json = serde_json::json!({ "a": null, "b": [], "c": [{ "d": null, "e": 1 }] });
        let mut value = Value::from_json(json).unwrap();
        drop_empty(&mut value);
        let expected = Value::from_json(serde_json::json!({ "c": [{ "e": 1 }] })).unwrap();
        assert_eq!(value, expected);
    }
}
