//! ConverseStream events → OpenAI server-sent events, one event at a time.
//!
//! Each decoded event becomes zero or more SSE frames appended to the caller's buffer. The
//! translator keeps only what later frames need: the dense tool-call index per content block,
//! which blocks carry the structured-output tool, the text of the reasoning block in progress
//! (its signature chunk repeats it), usage, trace and the finish reason, and the output text
//! for payload logging.
//!
//! - Reasoning deltas become `delta.reasoning_content`; a signature becomes a chunk with
//!   `delta.thinking_blocks: [{"type": "thinking", "thinking": <the block's text>,
//!   "signature"}]`, redacted reasoning `[{"type": "redacted_thinking", "data"}]`.
//! - The structured-output tool's input deltas become `content` deltas (tracked per content
//!   block, so interleaved real tool calls stay tool calls); a message whose only tool call is
//!   that tool finishes with `stop`. With [`StreamTranslator::hold_text_for_structured_output`]
//!   text is held until the first tool block: dropped if it is the structured tool (it would
//!   spoil the JSON), sent otherwise.
//! - `additionalModelResponseFields` ride on the finish chunk; `trace` on the usage chunk, or,
//!   without one, on the finish chunk, which then waits for the `metadata` event.

use std::borrow::Cow;

use bytes::BytesMut;
use quarry_openai::chat::{
    ChatCompletionChunk, ChunkChoice, Delta, FunctionCallChunk, ThinkingBlock, ToolCallChunk, Usage,
};
use quarry_openai::completions::{CompletionChoice, TextCompletion};
use quarry_openai::sse;
use serde_json::Value;

use super::response::{finish_reason, usage_from_bedrock};
use super::structured::STRUCTURED_OUTPUT_TOOL;
use super::ResponseMeta;
use crate::error::from_stream_exception;
use crate::wire::{
    ContentBlockDelta, ContentBlockStart, ConverseStreamEvent, ReasoningContentBlockDelta,
};

/// Which OpenAI API the client called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// `chat.completion.chunk` objects.
    Chat,
    /// `text_completion` objects (legacy completions).
    Completion,
}

/// A tool-use content block: a real tool call with its OpenAI `tool_calls[].index`, or the
/// structured-output tool (`index` unused).
#[derive(Debug)]
struct ToolSlot {
    block: u32,
    index: u32,
    structured: bool,
    /// Whether any argument text was sent; if not, `{}` is sent when the block stops.
    args_sent: bool,
}

/// What happens to text deltas.
#[derive(Debug)]
enum TextMode {
    /// Sent as they come.
    Pass,
    /// Held until the first tool block tells whether the answer is structured.
    Hold(String),
    /// The answer is the structured tool's input: text is dropped.
    Drop,
}

/// Translates one ConverseStream into OpenAI SSE frames.
#[derive(Debug)]
pub struct StreamTranslator {
    format: StreamFormat,
    meta: ResponseMeta,
    include_usage: bool,
    role_sent: bool,
    first_content: bool,
    /// `messageStop` was seen: the answer is complete.
    stopped: bool,
    metadata_seen: bool,
    /// The finish chunk is waiting for `metadata` (to carry its trace).
    finish_pending: bool,
    usage_sent: bool,
    done: bool,
    finish_reason: Option<&'static str>,
    usage: Option<Usage>,
    trace: Option<Value>,
    additional_fields: Option<Value>,
    text: String,
    /// Whether `text` is kept (payload logging).
    keep_text: bool,
    text_mode: TextMode,
    tools: Vec<ToolSlot>,
    /// Real tool calls so far (the next dense index).
    real_calls: u32,
    /// The reasoning block in progress: its content block and text so far.
    reasoning: Option<(u32, String)>,
}

impl StreamTranslator {
    pub fn new(format: StreamFormat, meta: ResponseMeta, include_usage: bool) -> Self {
        Self {
            format,
            meta,
            include_usage,
            role_sent: false,
            first_content: false,
            stopped: false,
            metadata_seen: false,
            finish_pending: false,
            usage_sent: false,
            done: false,
            finish_reason: None,
            usage: None,
            trace: None,
            additional_fields: None,
            text: String::new(),
            keep_text: false,
            text_mode: TextMode::Pass,
            tools: Vec::new(),
            real_calls: 0,
            reasoning: None,
        }
    }

    /// For a request that emulates `response_format` with the structured-output tool (see
    /// `uses_structured_output_tool`): hold text until the answer's first tool block, so a
    /// preamble never spoils the JSON `content`. Call before the first event.
    /// Keep the answer's text for [`StreamTranslator::text`] (payload logging). Off by default,
    /// so a long stream costs no memory beyond the frame in flight.
    pub fn keep_text(&mut self) {
        self.keep_text = true;
    }

    pub fn hold_text_for_structured_output(&mut self) {
        if matches!(self.text_mode, TextMode::Pass) && !self.first_content {
            self.text_mode = TextMode::Hold(String::new());
        }
    }

    /// One decoded ConverseStream event (its `:event-type` and JSON payload) → SSE frames
    /// appended to `out`. Unknown event types are skipped. A payload that does not parse is an
    /// upstream fault: nothing is written and the description is returned; the caller usually
    /// ends the stream with [`Self::on_upstream_error`].
    pub fn on_event(
        &mut self,
        event_type: &str,
        payload: &[u8],
        out: &mut BytesMut,
    ) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        let event = ConverseStreamEvent::parse(event_type, payload)
            .map_err(|e| format!("Bedrock sent an invalid {event_type} event: {e}"))?;
        let Some(event) = event else {
            return Ok(());
        };
        match event {
            ConverseStreamEvent::MessageStart(_) => self.ensure_role(out)?,
            ConverseStreamEvent::ContentBlockStart(e) => {
                if let ContentBlockStart::ToolUse(start) = e.start {
                    self.ensure_role(out)?;
                    if start.name == STRUCTURED_OUTPUT_TOOL {
                        self.text_mode = TextMode::Drop;
                        self.tool_slot(e.content_block_index, true);
                    } else {
                        self.release_text(out)?;
                        let index = self.tool_slot(e.content_block_index, false).index;
                        self.first_content = true;
                        self.emit_tool(
                            out,
                            index,
                            Some(&start.tool_use_id),
                            Some(&start.name),
                            "",
                        )?;
                    }
                }
            }
            ConverseStreamEvent::ContentBlockDelta(e) => match e.delta {
                ContentBlockDelta::Text(text) if !text.is_empty() => match &mut self.text_mode {
                    TextMode::Hold(held) => held.push_str(&text),
                    TextMode::Drop => {}
                    TextMode::Pass => self.send_text(out, &text)?,
                },
                ContentBlockDelta::ToolUse(delta) if !delta.input.is_empty() => {
                    self.ensure_role(out)?;
                    let slot = self.tool_slot(e.content_block_index, false);
                    slot.args_sent = true;
                    let (structured, index) = (slot.structured, slot.index);
                    if structured {
                        self.send_text(out, &delta.input)?;
                    } else {
                        self.first_content = true;
                        self.emit_tool(out, index, None, None, &delta.input)?;
                    }
                }
                ContentBlockDelta::ReasoningContent(delta) => {
                    self.on_reasoning(e.content_block_index, delta, out)?;
                }
                // Citations have no place in this API yet.
                _ => {}
            },
            ConverseStreamEvent::ContentBlockStop(e) => {
                let pending = self
                    .tools
                    .iter_mut()
                    .find(|s| s.block == e.content_block_index && !s.args_sent);
                if let Some(slot) = pending {
                    slot.args_sent = true;
                    let (structured, index) = (slot.structured, slot.index);
                    if structured {
                        self.send_text(out, "{}")?;
                    } else {
                        self.emit_tool(out, index, None, None, "{}")?;
                    }
                }
            }
            ConverseStreamEvent::MessageStop(e) => {
                self.ensure_role(out)?;
                self.release_text(out)?;
                let reason = match finish_reason(&e.stop_reason) {
                    "tool_calls" if self.real_calls == 0 && !self.tools.is_empty() => "stop",
                    reason => reason,
                };
                self.finish_reason = Some(reason);
                self.additional_fields = e.additional_model_response_fields;
                self.stopped = true;
                let trace_waits = self.format == StreamFormat::Chat && !self.include_usage;
                if trace_waits && !self.metadata_seen {
                    self.finish_pending = true;
                } else {
                    self.emit_finish(out)?;
                }
            }
            ConverseStreamEvent::Metadata(e) => {
                self.metadata_seen = true;
                self.usage = Some(usage_from_bedrock(&e.usage));
                self.trace = e.trace;
                // The usage chunk is OpenAI's last chunk; if metadata came early, wait.
                if self.stopped {
                    if self.finish_pending {
                        self.emit_finish(out)?;
                    }
                    self.emit_usage(out)?;
                }
            }
        }
        Ok(())
    }

    /// An exception frame from upstream (`throttlingException`, message) → one SSE error
    /// event. The translator is then finished: later events and `finish` write nothing.
    pub fn on_upstream_error(&mut self, error_code: &str, message: &str, out: &mut BytesMut) {
        if self.done {
            return;
        }
        self.done = true;
        let error = from_stream_exception(error_code, message.to_owned());
        let message = if error.message.trim().is_empty() {
            format!("Bedrock's stream failed with {}", error.code)
        } else {
            error.message.clone()
        };
        sse::write_error(
            out,
            &message,
            error.openai_type(),
            Some(&error.openai_code()),
        );
    }

    /// The upstream body ended. A complete answer gets its pending finish chunk, its usage
    /// chunk (if asked for and not yet sent) and `data: [DONE]`; a truncated one gets an error
    /// event and no `[DONE]`, so the client cannot mistake it for a whole answer.
    pub fn finish(&mut self, out: &mut BytesMut) {
        if self.done {
            return;
        }
        self.done = true;
        if self.stopped {
            // Serializing our own chunk types cannot fail; these chunks are best effort.
            if self.finish_pending {
                let _ = self.emit_finish(out);
            }
            let _ = self.emit_usage(out);
            out.extend_from_slice(sse::DONE);
        } else {
            sse::write_error(
                out,
                "Bedrock's stream ended before the response was complete",
                "api_error",
                Some("upstream_stream_truncated"),
            );
        }
    }

    /// Token usage, once the `metadata` event has arrived.
    pub fn usage(&self) -> Option<&Usage> {
        self.usage.as_ref()
    }

    /// Whether any text, reasoning or tool call reached the client (a retry is no longer
    /// invisible).
    pub fn first_content_seen(&self) -> bool {
        self.first_content
    }

    /// OpenAI's finish reason, once `messageStop` has arrived.
    pub fn finish_reason(&self) -> Option<&str> {
        self.finish_reason
    }

    /// The output text so far (structured answers included), for payload logging.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the stream has ended (with `[DONE]` or an error event).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The slot of a tool-use content block, created on first sight; a real call gets the next
    /// dense 0-based index.
    fn tool_slot(&mut self, block: u32, structured: bool) -> &mut ToolSlot {
        let position = match self.tools.iter().position(|s| s.block == block) {
            Some(p) => p,
            None => {
                let index = if structured {
                    0
                } else {
                    self.real_calls += 1;
                    self.real_calls - 1
                };
                self.tools.push(ToolSlot {
                    block,
                    index,
                    structured,
                    args_sent: false,
                });
                self.tools.len() - 1
            }
        };
        &mut self.tools[position]
    }

    /// Sends held text (the answer turned out not to be structured) and stops holding.
    fn release_text(&mut self, out: &mut BytesMut) -> Result<(), String> {
        if let TextMode::Hold(held) = std::mem::replace(&mut self.text_mode, TextMode::Pass) {
            if !held.is_empty() {
                self.send_text(out, &held)?;
            }
        }
        Ok(())
    }

    fn send_text(&mut self, out: &mut BytesMut, text: &str) -> Result<(), String> {
        self.ensure_role(out)?;
        self.first_content = true;
        self.emit_text(out, text)?;
        if self.keep_text {
            self.text.push_str(text);
        }
        Ok(())
    }

    fn on_reasoning(
        &mut self,
        block: u32,
        delta: ReasoningContentBlockDelta,
        out: &mut BytesMut,
    ) -> Result<(), String> {
        // Legacy completions have no reasoning field.
        if self.format == StreamFormat::Completion {
            return Ok(());
        }
        let thinking = match delta {
            ReasoningContentBlockDelta::Text(text) => {
                if text.is_empty() {
                    return Ok(());
                }
                self.ensure_role(out)?;
                self.first_content = true;
                self.emit_delta(
                    out,
                    Delta {
                        reasoning_content: Some(Cow::Borrowed(&text)),
                        ..Delta::default()
                    },
                )?;
                match &mut self.reasoning {
                    Some((b, so_far)) if *b == block => so_far.push_str(&text),
                    _ => self.reasoning = Some((block, text)),
                }
                return Ok(());
            }
            ReasoningContentBlockDelta::Signature(signature) => {
                let thinking = match self.reasoning.take() {
                    Some((b, text)) if b == block => text,
                    _ => String::new(),
                };
                ThinkingBlock::Thinking {
                    thinking,
                    signature: Some(signature),
                }
            }
            ReasoningContentBlockDelta::RedactedContent(data) => ThinkingBlock::Redacted { data },
            ReasoningContentBlockDelta::Other { .. } => return Ok(()),
        };
        self.ensure_role(out)?;
        self.first_content = true;
        self.emit_delta(
            out,
            Delta {
                thinking_blocks: Some(vec![thinking]),
                ..Delta::default()
            },
        )
    }

    /// OpenAI's first chat chunk: `delta: {"role": "assistant", "content": ""}`.
    fn ensure_role(&mut self, out: &mut BytesMut) -> Result<(), String> {
        if self.role_sent || self.format == StreamFormat::Completion {
            return Ok(());
        }
        self.role_sent = true;
        self.emit_delta(
            out,
            Delta {
                role: Some(Cow::Borrowed("assistant")),
                content: Some(Cow::Borrowed("")),
                ..Delta::default()
            },
        )
    }

    fn emit_text(&self, out: &mut BytesMut, text: &str) -> Result<(), String> {
        match self.format {
            StreamFormat::Chat => self.emit_delta(
                out,
                Delta {
                    content: Some(Cow::Borrowed(text)),
                    ..Delta::default()
                },
            ),
            StreamFormat::Completion => {
                self.emit_completion(out, vec![CompletionChoice::new(text, None)], None)
            }
        }
    }

    fn emit_tool(
        &self,
        out: &mut BytesMut,
        index: u32,
        id: Option<&str>,
        name: Option<&str>,
        arguments: &str,
    ) -> Result<(), String> {
        // Legacy completions have no tool calls (they cannot offer tools).
        if self.format == StreamFormat::Completion {
            return Ok(());
        }
        let call = ToolCallChunk {
            index,
            id: id.map(Cow::Borrowed),
            kind: id.map(|_| Cow::Borrowed("function")),
            function: Some(FunctionCallChunk {
                name: name.map(Cow::Borrowed),
                arguments: Some(Cow::Borrowed(arguments)),
            }),
        };
        self.emit_delta(
            out,
            Delta {
                tool_calls: Some(vec![call]),
                ..Delta::default()
            },
        )
    }

    /// The chunk with the finish reason; it carries the additional response fields, and the
    /// trace when no usage chunk will.
    fn emit_finish(&mut self, out: &mut BytesMut) -> Result<(), String> {
        self.finish_pending = false;
        let reason = self.finish_reason.unwrap_or("stop");
        match self.format {
            StreamFormat::Chat => {
                let additional = self.additional_fields.take();
                let trace = if self.include_usage {
                    None
                } else {
                    self.trace.take()
                };
                let mut choice = ChunkChoice::delta(Delta::default());
                choice.finish_reason = Some(Cow::Borrowed(reason));
                let mut chunk = self.chunk(vec![choice]);
                chunk.additional_model_response_fields = additional;
                chunk.trace = trace;
                write_chunk(out, &chunk)
            }
            StreamFormat::Completion => {
                self.emit_completion(out, vec![CompletionChoice::new("", Some(reason))], None)
            }
        }
    }

    fn emit_usage(&mut self, out: &mut BytesMut) -> Result<(), String> {
        if !self.include_usage || self.usage_sent {
            return Ok(());
        }
        let Some(usage) = self.usage.clone() else {
            return Ok(());
        };
        self.usage_sent = true;
        match self.format {
            StreamFormat::Chat => {
                let mut chunk = self.chunk(Vec::new());
                chunk.usage = Some(usage);
                chunk.trace = self.trace.clone();
                write_chunk(out, &chunk)
            }
            StreamFormat::Completion => self.emit_completion(out, Vec::new(), Some(usage)),
        }
    }

    fn emit_delta(&self, out: &mut BytesMut, delta: Delta<'_>) -> Result<(), String> {
        write_chunk(out, &self.chunk(vec![ChunkChoice::delta(delta)]))
    }

    fn chunk<'a>(&'a self, choices: Vec<ChunkChoice<'a>>) -> ChatCompletionChunk<'a> {
        ChatCompletionChunk::new(&self.meta.id, self.meta.created, &self.meta.model, choices)
    }

    fn emit_completion(
        &self,
        out: &mut BytesMut,
        choices: Vec<CompletionChoice<'_>>,
        usage: Option<Usage>,
    ) -> Result<(), String> {
        let chunk = TextCompletion::new(
            self.meta.id.as_str(),
            self.meta.created,
            self.meta.model.as_str(),
            choices,
            usage,
        );
        sse::write_json(out, &chunk).map_err(|e| format!("could not encode a chunk: {e}"))
    }
}

fn write_chunk(out: &mut BytesMut, chunk: &ChatCompletionChunk<'_>) -> Result<(), String> {
    sse::write_json(out, chunk).map_err(|e| format!("could not encode a chunk: {e}"))
}
