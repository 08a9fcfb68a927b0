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
//! The same request always gets the same answer; only prompt-cache usage depends on what the
//! emulator instance has seen before. "Words" are whitespace-separated (`split_whitespace`).
//! "The last user text" is the text blocks of the last `user` message joined with a space, or
//! `(no text)` when it has none.
//!
//! ## What the answer is
//!
//! The first rule that applies decides:
//!
//! 1. **Guardrail intervention.** A `guardrailConfig` is present and a text block of the last
//!    user message contains the word `blocked` (any case, as a whole word: the text is split at
//!    every non-alphanumeric character, so `Blocked!` counts and `unblocked` does not). The
//!    answer is the single text block `"Sorry, the model cannot answer this question."` with
//!    stop reason `guardrail_intervened`: no reasoning, no tool use, no limits applied.
//! 2. **Tool use.** `toolConfig.tools` has a `toolSpec` and the last user message has no
//!    `toolResult` block. Stop reason `tool_use`; limits do not apply.
//!    * `toolChoice.tool` names a tool: `[{text: "Calling <name>."}, {toolUse}]` for that tool.
//!    * Otherwise, if the last user text contains `all tools` (any case): `[{text: "Calling <n>
//!      tools."}, {toolUse}, ...]`, one `toolUse` per `toolSpec` in definition order (`<n>` is
//!      their number, even when it is 1).
//!    * Otherwise: `[{text: "Calling <name>."}, {toolUse}]` for the first `toolSpec`.
//!
//!    `toolUseId` is `tooluse_` plus 22 alphanumerics derived from the conversation text and the
//!    tool name (and, for `all tools`, the call's position, so IDs always differ). `input` has
//!    every `required` property of `inputSchema.json`: its first `enum` value if any, else by
//!    type: string `"example"`, number/integer `1`, boolean `true`, object `{}`, array `[]`.
//! 3. **A text answer** (stop reason `end_turn` unless a limit applies), the first of:
//!    * **Structured output**: with `outputConfig.textFormat` `{"type": "json_schema",
//!      "structure": {"jsonSchema": {"schema": "<JSON Schema as a string>"}}}`, the compact
//!      JSON object the tool-input generator above makes from that schema, keys in alphabetical
//!      order (e.g. `{"age":1,"name":"example","ok":true}`).
//!    * When the last user message carries `toolResult` blocks: `"Tool results received: "`
//!      followed by their text and JSON contents joined with a space.
//!    * Otherwise `"Hello from the Bedrock emulator. You said: <last user text>"`, followed, for
//!      each image or document block of the last user message in order, by
//!      ` [image <format> <n> bytes]` or ` [document <name> <format> <n> bytes]` (`<n>` is the
//!      decoded size of `source.bytes`, or the UTF-8 size of a document's `text`/`content`
//!      source; an `s3Location` source shows its URI instead of `<n> bytes`; a document without
//!      `format` shows none).
//!
//!    Limits, applied to this text only: `inferenceConfig.stopSequences` cuts it just before the
//!    earliest occurrence of any stop sequence (stop reason `stop_sequence`); then, if it has
//!    more than `maxTokens` words, it keeps the first `maxTokens` (`max_tokens`).
//!
//! **Reasoning.** When `additionalModelRequestFields.thinking.type` or
//! `additionalModelRequestFields.reasoningConfig.type` is `"enabled"`, answers 2 and 3 start with
//! `{"reasoningContent": {"reasoningText": {"text": "Thinking about: <last user text>",
//! "signature": "<sig>"}}}`. `<sig>` is `sig-` followed by 16 lowercase hex digits of the 64-bit
//! FNV-1a hash of the reasoning text's UTF-8 bytes followed by one `0xff` byte (so
//! `"Thinking about: hi"` is signed `sig-2c77d21a9102c74a`).
//!
//! ## Token usage
//!
//! * `inputTokens` counts the words of every system text block and every message text block,
//!   plus 1 for each image and each document block directly in a message. Tool definitions,
//!   `toolUse`/`toolResult` contents, reasoning blocks and `guardContent` count nothing.
//! * `outputTokens` counts the words of the answer actually returned: the reasoning text, the
//!   text block and each tool call's input serialised as compact JSON.
//! * `totalTokens` is `inputTokens + outputTokens` (+ the cache fields below).
//!
//! **Prompt caching.** `cachePoint` blocks may appear in `system`, in message `content` and in
//! `toolConfig.tools`. Walking the request in the order system blocks, then tools, then messages
//! (their blocks in order), the *prefix* is everything before the **last** cache point; `P` is
//! its input tokens counted as above (tools count 0 tokens, but their name, description and
//! schema are part of the prefix content). The prefix content (texts, roles, tool definitions,
//! tool uses and results, image and document sources, reasoning texts) is hashed; the model ID
//! is not part of the key. The first time an emulator instance sees a prefix hash:
//! `cacheWriteInputTokens = P`, `cacheReadInputTokens = 0`; afterwards `cacheReadInputTokens = P`,
//! `cacheWriteInputTokens = 0`. Then `inputTokens` = all input tokens − `P` and `totalTokens =
//! inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens`. Without a cache
//! point both fields are absent. The memory holds the 10,000 most recent prefixes (16 shards,
//! oldest forgotten first) and is never shared between instances. Real Bedrock's minimum
//! cacheable length is not modelled.
//!
//! **Guardrail trace.** With `guardrailConfig.trace` `"enabled"` or `"enabled_full"` the response
//! (stream: the `metadata` event) carries `"trace": {"guardrail": {"inputAssessment":
//! {"<guardrailIdentifier>": A}}}` where `A` is `{"topicPolicy": {"topics": [{"name": "Blocked",
//! "type": "DENY", "action": "BLOCKED", "detected": true}]}}` when blocked, else `{}`.
//!
//! ## Streams
//!
//! `ConverseStream` carries exactly the non-streamed content: `messageStart`; then each block
//! in order with its own `contentBlockIndex` (reasoning 0 if present, then the text block, then
//! one per tool call), each closed by `contentBlockStop` before the next begins:
//!
//! * reasoning: one `{"reasoningContent": {"text": ...}}` delta per word, then one
//!   `{"reasoningContent": {"signature": ...}}` delta (no `contentBlockStart`);
//! * text: one `{"text": ...}` delta per word, leading whitespace kept so the deltas concatenate
//!   to the non-streamed text (no `contentBlockStart`);
//! * tool call: `contentBlockStart` with `toolUseId` and `name`, the input JSON in 2–3 string
//!   fragments;
//!
//! then `messageStop` and `metadata` (usage, `latencyMs`, and `trace` when asked for). Every
//! event payload carries Bedrock's `p` padding field (deterministic length here).
//!
//! ## Validation
//!
//! Bedrock's `ValidationException` (400) messages for: malformed JSON or a missing required
//! member (`Malformed input request: ...`), missing or empty `messages`, blank text blocks, a
//! first message that is not `user`, roles that do not alternate, `inferenceConfig` out of
//! range, an empty `toolConfig.tools`, a `toolChoice` naming an undefined tool, tool blocks
//! without `toolConfig`, unknown model identifiers, and:
//!
//! * images: `format` outside png|jpeg|gif|webp; documents: `format` outside
//!   pdf|csv|doc|docx|xls|xlsx|html|txt|md, a `name` that is empty, longer than 200 characters
//!   or breaks Bedrock's rule (ASCII letters and digits, `-`, `(`, `)`, `[`, `]`, `_`, single
//!   spaces: `The document file name can only contain alphanumeric characters, ...`); both: a
//!   `source` without exactly one member, empty `bytes`, or `bytes` that are not base64
//!   (padding optional). Blocks inside `toolResult` content are not checked.
//! * `cachePoint`: `type` other than `default`, `ttl` other than `5m`/`1h`; more than four in
//!   total: `A maximum of 4 blocks with cache_control may be provided. Found N.`; for Nova
//!   models (`amazon.nova-*`, with or without a geography prefix, or as an ARN's resource name)
//!   a cache point directly after a `toolResult` block in the same message:
//!   `Malformed input request: extraneous key [cachePoint] is not permitted`.
//! * `guardrailConfig`: `trace` outside enabled|disabled|enabled_full; `streamProcessingMode`
//!   outside sync|async on `ConverseStream`, and present at all on `Converse`:
//!   `Malformed input request: extraneous key [streamProcessingMode] is not permitted`.
//! * `outputConfig.textFormat`: `type` other than `json_schema`; a `schema` string that is not
//!   a JSON object: `The format of the value at
//!   outputConfig.textFormat.structure.jsonSchema.schema is invalid. Provide a json object for
//!   the field and try again.`
//! * With thinking enabled, in this order: `toolChoice` `any` or `tool`: `Thinking may not be
//!   enabled when tool_choice forces tool use.`; a `reasoningText` in history without
//!   `signature`: `messages.N.content.M.reasoningContent.reasoningText.signature: Field
//!   required` (Bedrock indices); an assistant message with a `toolUse` block that does not start
//!   with a `reasoningContent` block: ``Expected `thinking` or `redacted_thinking`, but found
//!   `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a
//!   thinking block.``; a signature other than the one the emulator gives that text: ``Invalid
//!   `signature` in `thinking` block``. `redactedContent` blocks are accepted as they are.
//!   Without thinking, reasoning blocks in history are accepted unchecked.
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

mod agent;
mod auth;
mod body;
mod config;
mod control;
mod ctx;
mod error;
mod eventstream;
mod faults;
mod hash;
mod model_id;
mod query;
mod recording;
mod router;
mod runtime;
mod s3store;
mod server;
mod service;
mod text;
mod time;

pub use body::StreamStats;
pub use config::{EmulatorConfig, ACCESS_KEY_ID, SECRET_ACCESS_KEY};
pub use faults::{
    FAULT_ACCESS_DENIED, FAULT_BAD_CRC, FAULT_EMPTY_ERROR, FAULT_ERROR_FRAME, FAULT_GARBAGE,
    FAULT_MODEL_TIMEOUT, FAULT_NOT_FOUND, FAULT_SLOW_PREFIX, FAULT_STREAM_ERROR,
    FAULT_STREAM_THROTTLE, FAULT_THROTTLE, FAULT_TRUNCATE, FAULT_UNAVAILABLE,
};
pub use recording::{AuthOutcome, RecordedRequest};
pub use server::{run, Emulator};
