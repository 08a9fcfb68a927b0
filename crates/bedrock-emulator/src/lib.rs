//! A faithful local Amazon Bedrock runtime for tests, benchmarks and `quarry serve --emulator`.
//!
//! The emulator speaks the real wire protocol (rest-json, SigV4, AWS event streams) so that the
//! official AWS SDKs and Quarry's own Bedrock client can talk to it unchanged. It deliberately
//! shares no code with the other Quarry crates: tests against it check Quarry against an
//! independent reading of the protocol, not against itself.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emu = bedrock_emulator::Emulator::start(Default::default()).await?;
//! println!("Bedrock at {}", emu.url()); // point an SDK's endpoint_url here
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Operations
//!
//! | Request | Operation |
//! |---|---|
//! | `POST /model/{modelId}/converse` | `Converse` |
//! | `POST /model/{modelId}/converse-stream` | `ConverseStream` |
//!
//! Routing works on the raw path; the `modelId` label is percent-decoded after the split, so
//! `arn%3Aaws%3A...%2Fus.anthropic...` is one label. Anything else is a 404
//! `UnknownOperationException`.
//!
//! # Authentication
//!
//! * `Authorization: AWS4-HMAC-SHA256 ...` is checked against [`EmulatorConfig::credentials`]:
//!   the signature is recomputed with `aws-sigv4` (double-encoded canonical path, path
//!   normalisation, exactly the signed headers, the `x-amz-date` time, the scope's region) and
//!   the scope's service must be `bedrock`. The clock is never compared with `x-amz-date`, so
//!   recorded or replayed requests keep verifying. A present `x-amz-security-token` must be signed.
//! * `Authorization: Bearer <token>` is accepted when the token is in
//!   [`EmulatorConfig::bearer_tokens`].
//! * Failures use the real codes: `MissingAuthenticationTokenException`,
//!   `IncompleteSignatureException`, `UnrecognizedClientException`, `InvalidSignatureException`
//!   (all 403).
//!
//! # Deterministic engine
//!
//! * Reply text: `"Hello from the Bedrock emulator. You said: "` followed by the text blocks of
//!   the last user message joined with a space, or `"(no text)"` when it has none.
//! * Tokens are whitespace-separated words. `inputTokens` counts the words of every system text
//!   block and every message text block; `outputTokens` counts the words of the reply actually
//!   returned (for tool use: the text block plus the serialised tool input).
//! * `inferenceConfig.stopSequences`: the reply is cut just before the earliest occurrence of any
//!   stop sequence (stop reason `stop_sequence`). Then `maxTokens`: if the reply has more words,
//!   it keeps the first `maxTokens` words (`max_tokens`). Otherwise the stop reason is `end_turn`.
//! * Tool use: when `toolConfig.tools` has a `toolSpec` and the last user message has no
//!   `toolResult` block, the reply is `[{text: "Calling <name>."}, {toolUse: {...}}]` with stop
//!   reason `tool_use`. The tool is `toolChoice.tool.name` if given, else the first `toolSpec`.
//!   `toolUseId` is `tooluse_` plus 22 alphanumerics derived from the conversation text and the
//!   tool name. `input` has every `required` property of `inputSchema.json`: its first `enum`
//!   value if any, else by type: string `"example"`, number/integer `1`, boolean `true`,
//!   object `{}`, array `[]`.
//! * When the last user message carries `toolResult` blocks the reply is
//!   `"Tool results received: "` followed by their text and JSON contents joined with a space.
//! * Streams send `messageStart`, one `contentBlockDelta` per word (leading whitespace kept, so
//!   the deltas concatenate to the non-streamed text), `contentBlockStop`; for tool use
//!   `contentBlockStart`, the input JSON in 2–3 string fragments, `contentBlockStop`; then
//!   `messageStop` and `metadata` (usage, `latencyMs`). Every event payload carries Bedrock's `p`
//!   padding field (deterministic length here).
//!
//! Validation mirrors Bedrock's `ValidationException` messages: malformed JSON, missing or empty
//! `messages`, blank text blocks, a first message that is not `user`, roles that do not
//! alternate, `inferenceConfig` out of range, an empty `toolConfig.tools`, a `toolChoice` naming
//! an undefined tool, tool blocks without `toolConfig`, and unknown model identifiers.
//!
//! # Fault models
//!
//! Selected by the model ID in the path (see the `FAULT_*` constants):
//!
//! | model ID | effect |
//! |---|---|
//! | `quarry.fault-throttle` | 429 `ThrottlingException` |
//! | `quarry.fault-unavailable` | 503 `ServiceUnavailableException` |
//! | `quarry.fault-not-found` | 404 `ResourceNotFoundException` |
//! | `quarry.fault-access-denied` | 403 `AccessDeniedException` |
//! | `quarry.fault-model-timeout` | 408 `ModelTimeoutException` |
//! | `quarry.fault-empty-error` | 500, `x-amzn-ErrorType: InternalServerException...`, empty body |
//! | `quarry.fault-garbage` | 200 `application/json` with body `this is not json` |
//! | `quarry.fault-slow-<ms>` | the normal answer after `<ms>` milliseconds (spread between frames when streaming) |
//! | `quarry.fault-stream-error` | stream: `messageStart`, deltas `Hello`, ` from`, then a `modelStreamErrorException` frame |
//! | `quarry.fault-stream-throttle` | stream: `messageStart`, then a `throttlingException` frame |
//! | `quarry.fault-error-frame` | stream: `messageStart`, then a `:message-type: error` frame (`InternalFailure`) |
//! | `quarry.fault-truncate` | stream: `messageStart`, two deltas, half of the next frame, then a clean end of body |
//! | `quarry.fault-bad-crc` | stream: `messageStart`, then a delta frame whose message CRC is wrong |
//!
//! The stream-only faults answer normally on `Converse`.

mod auth;
mod body;
mod config;
mod error;
mod eventstream;
mod faults;
mod model_id;
mod recording;
mod router;
mod runtime;
mod server;
mod service;

pub use body::StreamStats;
pub use config::{EmulatorConfig, ACCESS_KEY_ID, SECRET_ACCESS_KEY};
pub use faults::{
    FAULT_ACCESS_DENIED, FAULT_BAD_CRC, FAULT_EMPTY_ERROR, FAULT_ERROR_FRAME, FAULT_GARBAGE,
    FAULT_MODEL_TIMEOUT, FAULT_NOT_FOUND, FAULT_SLOW_PREFIX, FAULT_STREAM_ERROR,
    FAULT_STREAM_THROTTLE, FAULT_THROTTLE, FAULT_TRUNCATE, FAULT_UNAVAILABLE,
};
pub use recording::{AuthOutcome, RecordedRequest};
pub use server::{run, Emulator};
