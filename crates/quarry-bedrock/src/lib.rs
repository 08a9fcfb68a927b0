//! Bedrock for Quarry: wire types, pure OpenAI <-> Bedrock translators (one module per
//! capability), the event-stream frame decoder, SigV4 signing, endpoint resolution and the
//! Bedrock error model. Nothing in this crate does I/O: the gateway owns sockets and clocks.

pub mod chat;
pub mod embeddings;
pub mod endpoint;
pub mod error;
pub mod eventstream;
pub mod images;
pub mod invoke;
pub mod rerank;
pub mod sign;
pub mod video;
pub mod wire;
