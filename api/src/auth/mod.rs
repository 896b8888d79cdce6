//! Who is calling: passwords, access tokens, live sign-ins, opaque secrets (refresh tokens,
//! invitations, API keys), the viewer of a request, and sign-in throttling.

pub mod keys;
pub mod password;
pub mod request_meta;
pub mod secret;
pub mod sign_ins;
pub mod throttle;
pub mod token;
pub mod viewer;

pub use request_meta::{ApiClient, RequestMeta};
pub use token::TokenKeys;
pub use viewer::{StaffViewer, Viewer};
