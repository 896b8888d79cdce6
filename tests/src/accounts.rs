//! Staff accounts for tests: written straight to the database with a live sign-in, and an
//! access token issued with the app's own keys (no password hashing, so tests stay fast).

#![expect(
    clippy::unwrap_used,
    reason = "fixtures stop the test on a failed write"
)]

use chrono::{Duration, Utc};
use entity::types::{AccountStatus, Role};
use entity::{account_scope, refresh_token, user_account};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use crate::TestApp;

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub account_id: Uuid,
    pub session_id: Uuid,
    pub token: String,
}

/// What a test account acts on.
#[derive(Debug, Clone, Default)]
pub struct TestScope {
    pub providers: Vec<Uuid>,
    pub regions: Vec<Uuid>,
}

impl TestApp {
    /// The token of a coordinator scoped to the region with this code (e.g. a district).
    pub async fn coordinator_of(&self, region_code: &str) -> String {
        let region = crate::fixtures::region_id(&self.db, region_code).await;
        self.staff(
            Role::Coordinator,
            TestScope {
                providers: vec![],
                regions: vec![region],
            },
        )
        .await
        .token
    }

    /// Creates an active account with a role and scope and signs it in.
    pub async fn staff(&self, role: Role, scope: TestScope) -> Staff {
        let id = Uuid::now_v7();
        let now = Utc::now();
        user_account::Entity::insert(user_account::ActiveModel {
            id: Set(id),
            email: Set(format!("staff-{}@example.org", id.simple())),
            display_name: Set("Test Staff".into()),
            // No password: these accounts only use the token issued below.
            password_hash: Set("!no-password".into()),
            role: Set(role),
            status: Set(AccountStatus::Active),
            last_login_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&self.db)
        .await
        .unwrap();
        let scopes = scope
            .providers
            .iter()
            .map(|p| (Some(*p), None))
            .chain(scope.regions.iter().map(|r| (None, Some(*r))));
        for (provider_id, region_id) in scopes {
            account_scope::Entity::insert(account_scope::ActiveModel {
                id: Set(Uuid::now_v7()),
                account_id: Set(id),
                created_at: Set(now),
                provider_id: Set(provider_id),
                region_id: Set(region_id),
                pool_id: Set(None),
            })
            .exec_without_returning(&self.db)
            .await
            .unwrap();
        }
        let session_id = Uuid::now_v7();
        refresh_token::Entity::insert(refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            account_id: Set(id),
            family_id: Set(session_id),
            token_hash: Set(format!("test-{}", Uuid::now_v7())),
            expires_at: Set(now + Duration::days(1)),
            used_at: Set(None),
            revoked_at: Set(None),
            created_at: Set(now),
        })
        .exec_without_returning(&self.db)
        .await
        .unwrap();
        let token = self
            .app
            .tokens
            .issue(id, session_id, angebotsplattform::clock::now())
            .unwrap()
            .token;
        Staff {
            account_id: id,
            session_id,
            token,
        }
    }

    /// An administrator.
    pub async fn admin(&self) -> Staff {
        self.staff(Role::Admin, TestScope::default()).await
    }

    /// An editor of these providers.
    pub async fn editor(&self, providers: &[Uuid]) -> Staff {
        self.staff(
            Role::ProviderEditor,
            TestScope {
                providers: providers.to_vec(),
                regions: vec![],
            },
        )
        .await
    }

    /// A coordinator of the pools of this region.
    pub async fn coordinator(&self, region: Uuid) -> Staff {
        self.staff(
            Role::Coordinator,
            TestScope {
                providers: vec![],
                regions: vec![region],
            },
        )
        .await
    }
}
