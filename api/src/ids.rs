//! Record ids: new ones (UUID v7, ordered by creation time, so indexes stay compact and a
//! fresh row sorts after older ones), and the global ids clients see (`base64url("Type:
//! uuid")`), which the API, the offer files and the feeds alike read and write.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// A new, time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// The types that have global ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Offer,
    Provider,
    Region,
    Category,
    Account,
    MentoringPool,
    Invitation,
    ApiClient,
    AuditEntry,
    Mentor,
    MentoringRequest,
    MentorMatch,
    CheckIn,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            Self::Offer => "Offer",
            Self::Provider => "Provider",
            Self::Region => "Region",
            Self::Category => "Category",
            Self::Account => "Account",
            Self::MentoringPool => "MentoringPool",
            Self::Invitation => "Invitation",
            Self::ApiClient => "ApiClient",
            Self::AuditEntry => "AuditEntry",
            Self::Mentor => "Mentor",
            Self::MentoringRequest => "MentoringRequest",
            Self::MentorMatch => "MentorMatch",
            Self::CheckIn => "CheckIn",
        }
    }

    /// The type of the records the audit log names by `entity_type` (the table they live
    /// in), if they have global ids.
    pub fn of_audited(entity_type: &str) -> Option<Self> {
        Some(match entity_type {
            "offer" => Self::Offer,
            "provider" => Self::Provider,
            "user_account" => Self::Account,
            "mentoring_pool" => Self::MentoringPool,
            "invitation" => Self::Invitation,
            "api_client" => Self::ApiClient,
            "mentor" => Self::Mentor,
            "mentoring_request" => Self::MentoringRequest,
            "mentor_match" => Self::MentorMatch,
            "check_in" => Self::CheckIn,
            _ => return None,
        })
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Offer" => Self::Offer,
            "Provider" => Self::Provider,
            "Region" => Self::Region,
            "Category" => Self::Category,
            "Account" => Self::Account,
            "MentoringPool" => Self::MentoringPool,
            "Invitation" => Self::Invitation,
            "ApiClient" => Self::ApiClient,
            "AuditEntry" => Self::AuditEntry,
            "Mentor" => Self::Mentor,
            "MentoringRequest" => Self::MentoringRequest,
            "MentorMatch" => Self::MentorMatch,
            "CheckIn" => Self::CheckIn,
            _ => return None,
        })
    }
}

/// The global id of a record: `base64url("Type:uuid")`, opaque to clients.
pub fn global_id(kind: NodeType, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name()))
}

/// Reads any global id.
pub fn parse_global_id(id: &str) -> ApiResult<(NodeType, Uuid)> {
    URL_SAFE_NO_PAD
        .decode(id)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (kind, uuid) = text.split_once(':')?;
            Some((NodeType::from_name(kind)?, Uuid::parse_str(uuid).ok()?))
        })
        .ok_or_else(|| ApiError::bad_input("invalid id"))
}

/// Reads a global id that must name a record of one type.
pub fn expect_global_id(id: &str, kind: NodeType) -> ApiResult<Uuid> {
    match parse_global_id(id)? {
        (found, uuid) if found == kind => Ok(uuid),
        _ => Err(ApiError::bad_input(format!("id is not a {}", kind.name()))),
    }
}
