//! One module per capability (route type). Each turns a client request into Bedrock calls
//! through [`crate::bedrock`] and the pure translators of `quarry-bedrock`.

pub mod chat;
mod chat_stream;
pub mod common;
pub mod embeddings;
pub(crate) mod idle_read;
pub mod images;
pub mod native;
pub mod rerank;
pub mod video;
