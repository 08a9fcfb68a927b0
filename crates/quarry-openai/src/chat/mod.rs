//! `POST /v1/chat/completions`: the request, the response and the stream chunks.

mod request;
mod response;
#[cfg(test)]
mod tests;

pub use request::{
    ChatRequest, Content, ContentPart, FunctionCall, ImageUrl, Message, Role, Stop, StreamOptions,
    ToolCall,
};
pub use response::{
    ChatCompletion, ChatCompletionChunk, Choice, ChunkChoice, CompletionTokensDetails, Delta,
    FunctionCallChunk, PromptTokensDetails, ResponseMessage, ThinkingBlock, ToolCallChunk, Usage,
    CHAT_COMPLETION_CHUNK_OBJECT, CHAT_COMPLETION_OBJECT,
};
