//! The viewer of a request: anonymous, or a signed-in staff account with its role and
//! scopes. Permission checks read only this, so they can be tested without a database.

use entity::types::{ActorRole, Role};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// A signed-in account, as loaded for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffViewer {
    pub account_id: Uuid,
    pub session_id: Uuid,
    pub role: Role,
    /// Providers the account edits (provider editors).
    pub provider_ids: Vec<Uuid>,
    /// Regions the account coordinates (coordinators).
    pub region_ids: Vec<Uuid>,
    /// Mentoring pools the account coordinates (coordinators).
    pub pool_ids: Vec<Uuid>,
}

/// Who is calling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Viewer {
    #[default]
    Anonymous,
    Staff(StaffViewer),
}

impl Viewer {
    /// The signed-in account, or `UNAUTHENTICATED`.
    pub fn staff(&self) -> ApiResult<&StaffViewer> {
        match self {
            Self::Staff(staff) => Ok(staff),
            Self::Anonymous => Err(ApiError::Unauthenticated),
        }
    }

    /// An administrator, or `UNAUTHENTICATED` / `FORBIDDEN`.
    pub fn admin(&self) -> ApiResult<&StaffViewer> {
        let staff = self.staff()?;
        if staff.role == Role::Admin {
            Ok(staff)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Whether the viewer is an administrator.
    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Staff(s) if s.role == Role::Admin)
    }

    /// Whether the viewer may edit this provider and its offers: admins, and editors scoped
    /// to it.
    pub fn edits_provider(&self, provider_id: Uuid) -> bool {
        match self {
            Self::Staff(s) => match s.role {
                Role::Admin => true,
                Role::ProviderEditor => s.provider_ids.contains(&provider_id),
                Role::Coordinator => false,
            },
            Self::Anonymous => false,
        }
    }

    /// Like [`edits_provider`](Self::edits_provider), as a check with the right error.
    pub fn require_provider_editor(&self, provider_id: Uuid) -> ApiResult<&StaffViewer> {
        let staff = self.staff()?;
        if self.edits_provider(provider_id) {
            Ok(staff)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The providers whose unpublished offers the viewer sees, or `None` for all of them.
    pub fn visible_providers(&self) -> Option<&[Uuid]> {
        match self {
            Self::Staff(s) if s.role == Role::Admin => None,
            Self::Staff(s) if s.role == Role::ProviderEditor => Some(&s.provider_ids),
            _ => Some(&[]),
        }
    }

    /// The account id, when signed in.
    pub fn account_id(&self) -> Option<Uuid> {
        match self {
            Self::Staff(s) => Some(s.account_id),
            Self::Anonymous => None,
        }
    }

    /// The role recorded in the audit log.
    pub fn actor_role(&self) -> ActorRole {
        match self {
            Self::Staff(s) => match s.role {
                Role::Admin => ActorRole::Admin,
                Role::Coordinator => ActorRole::Coordinator,
                Role::ProviderEditor => ActorRole::ProviderEditor,
            },
            Self::Anonymous => ActorRole::Anonymous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, providers: Vec<Uuid>) -> Viewer {
        Viewer::Staff(StaffViewer {
            account_id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            role,
            provider_ids: providers,
            region_ids: vec![],
            pool_ids: vec![],
        })
    }

    #[test]
    fn provider_editing_follows_role_and_scope() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(staff(Role::Admin, vec![]).edits_provider(a));
        assert!(staff(Role::ProviderEditor, vec![a]).edits_provider(a));
        assert!(!staff(Role::ProviderEditor, vec![a]).edits_provider(b));
        assert!(!staff(Role::Coordinator, vec![]).edits_provider(a));
        assert!(!Viewer::Anonymous.edits_provider(a));
        assert!(matches!(
            Viewer::Anonymous.require_provider_editor(a),
            Err(ApiError::Unauthenticated)
        ));
        assert!(matches!(
            staff(Role::Coordinator, vec![]).require_provider_editor(a),
            Err(ApiError::Forbidden)
        ));
    }
}
