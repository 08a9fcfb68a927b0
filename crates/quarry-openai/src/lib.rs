//! OpenAI's HTTP API as Quarry speaks it: serde types that mirror OpenAI's JSON (chat
//! completions, legacy completions, embeddings, images, rerank), the error envelope, the
//! server-sent-events encoder and the embeddings list writer (which copies float vectors as
//! text instead of re-printing them).
//!
//! Types here are data only. Requests keep every field a client may send (unknown ones land in
//! an `extra` map so a translator can pass Bedrock-specific fields through); responses serialize
//! exactly the fields OpenAI's SDKs expect, in OpenAI's order.

pub mod chat;
pub mod completions;
pub mod embeddings;
pub mod error;
pub mod images;
pub mod rerank;
pub mod sse;
pub mod video;
