//! What every request passes through besides the resolvers: its cost measured and limited
//! (`cost`), the limits on its shape (`limits`), its text composed to NFC
//! (`unicode_input`), its answer's fields put in the document's order (`response_order`)
//! and every error given its code (`errors`).

pub mod cost;
pub mod errors;
pub mod limits;
pub mod response_order;
pub mod unicode_input;
