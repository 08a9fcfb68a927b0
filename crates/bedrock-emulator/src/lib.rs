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
//! All three Bedrock services are served on one port and routed by path alone (hosts are
//! ignored), as the route table in `router.rs` lists:
//!
//! | Request | Operation | Service |
//! |---|---|---|
//! | `POST /model/{modelId}/converse` | `Converse` | runtime |
//! | `POST /model/{modelId}/converse-stream` | `ConverseStream` | runtime |
//! | `POST /model/{modelId}/invoke` | `InvokeModel` | runtime |
//! | `POST /model/{modelId}/invoke-with-response-stream` | `InvokeModelWithResponseStream` | runtime |
//! | `POST /model/{modelId}/count-tokens` | `CountTokens` | runtime |
//! | `POST /async-invoke` | `StartAsyncInvoke` | runtime |
//! | `GET /async-invoke/{invocationArn}` | `GetAsyncInvoke` | runtime |
//! | `GET /async-invoke` | `ListAsyncInvokes` | runtime |
//! | `POST /rerank` | `Rerank` | agent runtime |
//! | `POST /retrieveAndGenerate` | `RetrieveAndGenerate` | agent runtime |
//! | `POST /retrieveAndGenerateStream` | `RetrieveAndGenerateStream` | agent runtime |
//! | `POST /model-invocation-job` | `CreateModelInvocationJob` | control plane |
//! | `GET /model-invocation-job/{jobIdentifier}` | `GetModelInvocationJob` | control plane |
//! | `GET /model-invocation-jobs` | `ListModelInvocationJobs` | control plane |
//! | `POST /model-invocation-job/{jobIdentifier}/stop` | `StopModelInvocationJob` | control plane |
//!
//! Routing works on the raw path; labels are percent-decoded after the split, so
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
//!   [`EmulatorConfig::bearer_tokens`], except by the agent runtime (Rerank,
//!   RetrieveAndGenerate*), which accepts SigV4 only: there a bearer header is answered like
//!   any other unsupported scheme, 403 `IncompleteSignatureException`.
//! * All three services sign as `bedrock`. The region of the SigV4 scope is the region of the
//!   ARNs the emulator creates; without a SigV4 scope (bearer, verification off) it is
//!   `us-east-1`. The account is always `123456789012`.
//! * Failures use the real codes: `MissingAuthenticationTokenException`,
//!   `IncompleteSignatureException`, `UnrecognizedClientException`, `InvalidSignatureException`
//!   (all 403).
//!
//! # Deterministic engine (Converse)
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
//!
//! The same IDs work elsewhere: on `InvokeModel` and `InvokeModelWithResponseStream` (where
//! they speak the Anthropic format; stream faults break the `chunk` stream after
//! `message_start`, `content_block_start` and the deltas `Hello`, ` from` as above, with a
//! `modelStreamErrorException`, `throttlingException`, error frame, half frame or bad CRC);
//! the HTTP faults on `CountTokens`; the HTTP faults as `modelId` of `StartAsyncInvoke` and
//! as `modelArn` of `Rerank`; and all of them as the `modelArn` of `RetrieveAndGenerate*`
//! (stream faults there: `output` events `Emulated`, ` answer`, then a
//! `dependencyFailedException` (for `stream-error`), a `throttlingException`, an error frame,
//! half a frame, or a bad CRC).
//!
//! # InvokeModel
//!
//! The body's family comes from the model ID (geography prefixes and ARN resource names are
//! looked through; an opaque ID such as an application inference profile counts as Anthropic
//! when the body has `anthropic_version`). Any other model answers 400 `ValidationException`
//! (`The emulator does not support InvokeModel for the model <id>.`), and a malformed ID
//! `The provided model identifier is invalid.` The request `Content-Type` is not checked (the
//! Rust SDK sends `application/octet-stream` when unset); `Accept` (`X-Amzn-Bedrock-Accept`
//! when streaming) must allow JSON (`application/json`, `application/*`, `*/*`) or the answer
//! is a 400. Responses are `Content-Type: application/json` with
//! `X-Amzn-Bedrock-Input-Token-Count`, `X-Amzn-Bedrock-Output-Token-Count`,
//! `X-Amzn-Bedrock-Invocation-Latency` (ms), and, with prompt caching,
//! `X-Amzn-Bedrock-Cache-Read-Input-Token-Count` / `-Cache-Write-Input-Token-Count`.
//! Schema errors read `Malformed input request: #/path: <problem>, please reformat your input
//! and try again.` (`required key [k] not found`, `extraneous key [k] is not permitted`,
//! `<v> is not a valid enum value`, `expected type: String, found: Integer`, ...).
//!
//! **Anthropic** (`anthropic.*`). `anthropic_version`, `max_tokens` and `messages` are
//! required. The body is translated to the equivalent Converse request (string or block
//! content; `text`, `image`/`document` base64 sources, `tool_use`, `tool_result`, `thinking`,
//! `redacted_thinking`; `system`; `stop_sequences`, `temperature`, `top_p`; `tools`,
//! `tool_choice` (`none` behaves as `auto`); `thinking`; each `cache_control` becomes a cache
//! point after its block) and answered by the Converse engine above, so text and token counts
//! are identical. Response: `{"id": "msg_bdrk_01<22 alphanumerics from the body>", "type":
//! "message", "role": "assistant", "model": "<model ID without provider, geography and
//! -vN:M suffix, e.g. claude-3-haiku-20240307>", "content": [thinking?, {"type": "text"},
//! tool_use...], "stop_reason", "stop_sequence", "usage": {"input_tokens", "output_tokens",
//! "cache_creation_input_tokens"?, "cache_read_input_tokens"?}}`. `stop_reason` is
//! `end_turn` (also for guardrail interventions), `tool_use`, `max_tokens` or
//! `stop_sequence` (then `stop_sequence` names the sequence, else `null`). Tool-use IDs are
//! the Converse IDs with `tooluse_` replaced by `toolu_bdrk_01`. With the
//! `X-Amzn-Bedrock-GuardrailIdentifier` header the Converse guardrail rule applies and the
//! message gains `"amazon-bedrock-guardrailAction": "INTERVENED" | "NONE"`; with
//! `X-Amzn-Bedrock-Trace: ENABLED|ENABLED_FULL` also `"amazon-bedrock-trace": {"guardrail":
//! ...}`.
//!
//! **Embeddings.** Component `i` of the raw vector of an input is the `i`-th value of
//! SplitMix64 seeded with the FNV-1a hash (of the input's bytes followed by `0xff`), as
//! `(v >> 11) / 2^53 * 2 - 1`; "normalised" means divided by its L2 norm; values are sent as
//! 32-bit floats. Token counts are whitespace words.
//! * Titan v1 (`amazon.titan-embed-text-v1`): only `inputText` (1..50000 chars); 1536 raw
//!   components: `{"embedding", "inputTextTokenCount"}`.
//! * Titan v2 (`amazon.titan-embed-text-v2:0`): `dimensions` 256|512|1024 (default 1024),
//!   `normalize` (default true), `embeddingTypes` ⊆ `[float, binary]` (default `[float]`):
//!   `{"embedding", "inputTextTokenCount", "embeddingsByType": {"float"?, "binary"?}}`;
//!   `binary` is one 0/1 per component (1 when positive).
//! * Cohere v3 (`cohere.embed-english-v3`, `-multilingual-v3`; 1024) and v4
//!   (`cohere.embed-v4:0`; `output_dimension` 256|512|1024|1536, default 1536; also
//!   `inputs`): `input_type` required; exactly one of `texts` / `images` (v3: at most 1) /
//!   `inputs` (v4), 1..96 items; vectors normalised. Without `embedding_types`:
//!   `{"id": <uuid from the body>, "response_type": "embeddings_floats", "embeddings":
//!   [[...]], "texts"?}`; with it: `"response_type": "embeddings_by_type"` and `"embeddings":
//!   {"float"|"int8"|"uint8"|"binary"|"ubinary": [[...]]}` (`int8` = round(v·127), `uint8` =
//!   round((v+1)·127.5), `ubinary`/`binary` = sign bits packed 8 per byte, MSB first, as
//!   unsigned/signed bytes).
//! * Nova multimodal (`amazon.nova-2-multimodal-embeddings-v1:0`): `schemaVersion`
//!   `nova-multimodal-embed-v1`, `taskType` `SINGLE_EMBEDDING`, `singleEmbeddingParams` with
//!   `embeddingPurpose`, `embeddingDimension` 256|384|1024|3072 (default 3072) and exactly one
//!   of `text` (`truncationMode`, `value`), `image`, `audio`, `video`; normalised:
//!   `{"embeddings": [{"embeddingType": "TEXT"|"IMAGE"|"AUDIO"|"AUDIO_VIDEO_COMBINED",
//!   "embedding"}]}` (video with `AUDIO_VIDEO_SEPARATE`: two, `VIDEO` and `AUDIO`).
//!
//! **Images.** Every image is an 8×8 PNG of one colour derived from the request. Titan Image
//! v1/v2 and Nova Canvas (`amazon.titan-image-generator-v1`, `-v2:0`,
//! `amazon.nova-canvas-v1:0`): `taskType` TEXT_IMAGE, INPAINTING, OUTPAINTING,
//! IMAGE_VARIATION (all), COLOR_GUIDED_GENERATION, BACKGROUND_REMOVAL (v2, Canvas),
//! VIRTUAL_TRY_ON (Canvas) with its `<task>Params` (`text` 1..512 chars, Canvas 1..1024;
//! in/outpainting need `image` and exactly one of `maskPrompt`/`maskImage`; base64 checked);
//! `imageGenerationConfig.numberOfImages` 1..5 (default 1): `{"images": [<base64 PNG>...]}`
//! (background removal: one). A `text` or `maskPrompt` with the word `blocked` is refused with
//! 400 `ValidationException` `This request has been blocked by our content filters. Please
//! adjust your text prompt to submit a new request.` Stability (`stability.*`): `prompt`
//! (1..10000), `aspect_ratio`, `seed` 0..4294967294 (0 or absent: derived from the prompt),
//! `output_format` png (default) | jpeg (an 8×8 mid-grey JPEG), `mode` image-to-image needs
//! `image` and `strength`: `{"seeds": [seed], "finish_reasons": [null], "images": [b64]}`; a
//! prompt with the word `blocked` gives 200 `{"seeds": [seed], "finish_reasons": ["Filter
//! reason: prompt"], "images": []}`.
//!
//! **Rerank models** (`amazon.rerank-v1:0`, `cohere.rerank-v3-5:0`): `{query, documents
//! (1..1000 strings or objects), top_n?, api_version? (2)}` → `{"results": [{"index",
//! "relevance_score"}]}`, best first, `top_n` of them (default all). The relevance score of a
//! document is the share of the query's distinct words that occur in it (words: maximal runs
//! of alphanumerics, lowercased; object documents are scored on their compact JSON); ties go
//! to the lower index.
//!
//! # InvokeModelWithResponseStream
//!
//! Anthropic only (others: 400 `The model is unsupported for streaming.`). Headers
//! `Content-Type: application/vnd.amazon.eventstream`, `X-Amzn-Bedrock-Content-Type:
//! application/json`. Each Anthropic event is one `chunk` frame `{"bytes": <base64 of the
//! event JSON>, "p": <padding>}`: `message_start` (usage `input_tokens`, `output_tokens: 1`),
//! then per block `content_block_start`, deltas (`thinking_delta` per word then one
//! `signature_delta`; `text_delta` per word, concatenating to the text; tool input as 2–3
//! `input_json_delta` fragments), `content_block_stop`; then `message_delta` (`stop_reason`,
//! `stop_sequence`, `usage.output_tokens`) and `message_stop` with
//! `"amazon-bedrock-invocationMetrics": {"inputTokenCount", "outputTokenCount",
//! "invocationLatency", "firstByteLatency"}` (+ cache counts when caching).
//!
//! # CountTokens
//!
//! `{"input": {"converse": {...}}}` counts the Converse input tokens (after the Converse
//! validation); `{"input": {"invokeModel": {"body": <base64>}}}` counts an Anthropic body the
//! same way (other families: 400 `The provided model doesn't support counting tokens.`).
//! Answer: `{"inputTokens": n}`.
//!
//! # Async invoke (video)
//!
//! `StartAsyncInvoke` accepts `amazon.nova-reel-v1:0|v1:1` and `luma.ray-v2:0` (other valid
//! models: 400 `The provided model doesn't support asynchronous invocation.`). Nova Reel:
//! `taskType` TEXT_VIDEO (`textToVideoParams.text` 1..512, at most 1 image,
//! `durationSeconds` 6), MULTI_SHOT_AUTOMATED (`text` 1..4000, `durationSeconds` a multiple
//! of 6 in 12..=120), MULTI_SHOT_MANUAL (2..20 `shots` with `text`; a given duration must be
//! 6 per shot); `videoGenerationConfig.fps` 24 and `dimension` `1280x720` required. Luma:
//! `prompt` 1..5000, `aspect_ratio` 1:1|16:9|9:16|4:3|3:4|21:9|9:21, `duration` 5s|9s,
//! `resolution` 540p|720p, `loop` boolean. `outputDataConfig.s3OutputDataConfig.s3Uri` must
//! match Bedrock's pattern.
//! * ARN: `arn:aws:bedrock:{region}:123456789012:async-invoke/{id}`; the `n`-th invocation of
//!   an emulator gets `id` = 12 characters of `[a-z0-9]` from SplitMix64 seeded with FNV-1a
//!   of `async-invoke` and `n` (first `hdp5sjj67w4a`, second `yb88d0p7q3x8`).
//! * `clientRequestToken`: the same token with the same request returns the same ARN; with a
//!   different request, 400 `ConflictException`.
//! * `modelArn` is `arn:aws:bedrock:{region}::foundation-model/{base model ID}` (ARNs as
//!   given).
//! * Status: the first `GetAsyncInvoke` shows `InProgress`, every later one the final status:
//!   `Failed` with `failureMessage` `The video could not be generated: the prompt asked the
//!   emulator to fail.` when the prompt (Nova Reel texts joined by a space, or Luma's
//!   `prompt`) has the whole word `fail` (any case), else `Completed`; `endTime` and
//!   `lastModifiedTime` are set then. On completion the object
//!   `{s3Uri without trailing /}/{id}/output.mp4` is stored: an ISO-BMFF `ftyp` box (`isom`,
//!   `mp42`) then a `free` box holding `Bedrock emulator video: <prompt>`. An unknown ARN is a
//!   400 `ValidationException` (the operation has no not-found error).
//! * `ListAsyncInvokes`: `statusEquals`, `submitTimeAfter`/`Before` (exclusive),
//!   `sortBy=SubmissionTime`, `sortOrder` (default `Descending`, newest first), `maxResults`
//!   1..1000 (default 1000), `nextToken` (opaque). Listing never advances a status.
//!
//! # Agent runtime
//!
//! * `Rerank`: exactly one `TEXT` query (1..32000 chars), 1..1000 `INLINE` sources (`TEXT`
//!   or `JSON`), `BEDROCK_RERANKING_MODEL` with `modelArn`
//!   `arn:aws:bedrock:{region}::foundation-model/amazon.rerank-v1:0` or `.../cohere.rerank-v3-5:0`
//!   (anything else 400), `numberOfResults` 1..1000 (default all). Results are scored as for
//!   the rerank models above: `{"results": [{"index", "relevanceScore", "document": <the
//!   source's inlineDocumentSource>}]}`.
//! * `RetrieveAndGenerate`: `input.text` (≤ 1000 chars), `KNOWLEDGE_BASE` (`knowledgeBaseId`
//!   `[0-9a-zA-Z]{1,10}`, `modelArn`) or `EXTERNAL_SOURCES` (`modelArn`, exactly one `S3` or
//!   `BYTE_CONTENT` source). Answer `{"output": {"text": "Emulated answer to: <input.text>"},
//!   "sessionId", "citations": [{"generatedResponsePart": {"textResponsePart": {"text": <the
//!   answer>, "span": {"start": 0, "end": <chars - 1>}}}, "retrievedReferences": [R]}]}`.
//!   `sessionId` echoes the request's, else is a UUID-shaped value derived from the body. `R`
//!   for a knowledge base: `{"content": {"text": "Emulated passage for <knowledgeBaseId>",
//!   "type": "TEXT"}, "location": {"type": "S3", "s3Location": {"uri":
//!   "s3://emulator-kb/doc1.txt"}}, "metadata": {"x-amz-bedrock-kb-source-uri": same}}`; for
//!   an S3 source the passage and location name its URI; for byte content its `identifier`
//!   (location `CUSTOM`). With a `generationConfiguration.guardrailConfiguration`,
//!   `guardrailAction` is `NONE`, or `INTERVENED` when the input has the word `blocked` (then
//!   the text is `Sorry, the model cannot answer this question.` and there are no citations).
//! * `RetrieveAndGenerateStream`: header `x-amzn-bedrock-knowledge-base-session-id`; one
//!   `output` event `{"text"}` per word (concatenating to the answer), one `citation` event
//!   (`generatedResponsePart`, `retrievedReferences` and the deprecated `citation` member),
//!   then `guardrail` `{"action"}` when a guardrail is configured. Errors found before the
//!   stream are HTTP errors.
//!
//! # Batch jobs (control plane)
//!
//! * `CreateModelInvocationJob` checks `jobName` (`[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}`,
//!   ≤ 63 chars), `roleArn` (an IAM role ARN), `modelId`, both `s3://` URIs, `s3InputFormat`
//!   JSONL, `timeoutDurationInHours` 24..168, `modelInvocationType`, `vpcConfig`, `tags`,
//!   `clientRequestToken` (same token and request: same ARN; different request: 400
//!   `ConflictException`). Answer `{"jobArn":
//!   "arn:aws:bedrock:{region}:123456789012:model-invocation-job/{id}"}`; the `n`-th job gets
//!   12 characters of `[a-z0-9]` from FNV-1a of `model-invocation-job` and `n` (first
//!   `2jjam91dn1gb`, second `6km3e0u6lfkm`).
//! * `GetModelInvocationJob` (by ID or ARN) advances the job one step per call: the 1st call
//!   shows `Submitted`, then `Validating`, `Scheduled`, `InProgress`, and from the 5th on
//!   `Completed`, or `Failed` with `message` `The batch job failed: its name asked the
//!   emulator to fail.` when `jobName` has the whole word `fail` (split at non-alphanumerics,
//!   any case). Record counts are 0 until `Completed`; then `total`, `processed` and
//!   `success` are the non-blank lines of the stored objects at or under the input `s3Uri`
//!   (see [`Emulator::put_s3_object`]) and `errorRecordCount` 0. The response echoes the
//!   request's configs and adds `timeoutDurationInHours` (default 168), `jobExpirationTime`
//!   (submit + timeout), `modelInvocationType` (default `InvokeModel`), `endTime` once final.
//!   An unknown job is 404 `ResourceNotFoundException`.
//! * `StopModelInvocationJob` (200 `{}`) makes a running job `Stopping`; the next GET shows
//!   `Stopping`, the one after `Stopped`. Stopping a `Stopping` job is a no-op; a finished job
//!   (`Completed`, `Failed`, `Stopped`, ...) gives 400 `ValidationException`.
//! * `ListModelInvocationJobs`: `statusEquals`, `nameContains` (case-sensitive substring),
//!   `submitTimeAfter`/`Before`, `sortBy=CreationTime`, `sortOrder` (default `Descending`),
//!   `maxResults`, `nextToken`; listing never advances a job.
//!
//! # Object store
//!
//! Async invocations and batch jobs share one in-memory object store per emulator:
//! [`Emulator::s3_object`], [`Emulator::put_s3_object`], [`Emulator::s3_objects`] and
//! [`Emulator::delete_s3_object`] read and write it by `s3://bucket/key` URI.
//!
//! The same port also answers S3 `GetObject` and `HeadObject`, path-style (`GET
//! /{bucket}/{key}`, e.g. an SDK with `force_path_style(true)`). A request is S3's when it
//! sends `x-amz-content-sha256` or its SigV4 scope names `s3`; it is verified by S3's rules
//! (scope service `s3`, the single-encoded wire path as canonical path, no normalisation,
//! `x-amz-content-sha256` sent, signed and used as the payload hash). A missing object is 404
//! `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>...`
//! (HEAD: no body); authentication failures are 403 `SignatureDoesNotMatch`,
//! `InvalidAccessKeyId`, `AuthorizationHeaderMalformed` or `AccessDenied`. Objects are sent
//! with their content type (`application/octet-stream` when none; async-invoke videos are
//! `video/mp4`), `Content-Length`, an `ETag` and `Last-Modified`. S3 requests are not
//! recorded.

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
mod s3;
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
