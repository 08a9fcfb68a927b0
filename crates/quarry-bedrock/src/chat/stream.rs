//! ConverseStream events → OpenAI server-sent events, one event at a time.
//!
//! The translator never buffers the stream: each decoded event becomes zero or more SSE frames
//! appended to the caller's buffer. It keeps only what later frames need (the dense tool-call
//! index per content block, usage, the finish reason) and the output text for payload logging.

use std::borrow::Cow;

use bytes::BytesMut;
use quarry_openai::chat::{
    ChatCompletionChunk, ChunkChoice, Delta, FunctionCallChunk, ToolCallChunk, Usage,
};
use quarry_openai::completions::{CompletionChoice, TextCompletion};
use quarry_openai::sse;

use super::response::{finish_reason, usage_from_bedrock};
use super::ResponseMeta;
use crate::error::from_stream_exception;
use crate::wire::{ContentBlockDelta, ContentBlockStart, ConverseStreamEvent};

/// Which OpenAI API the client called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// `chat.completion.chunk` objects.
    Chat,
    /// `text_completion` objects (legacy completions).
    Completion,
}

/// A tool-use content block and the OpenAI `tool_calls[].index` it was given.
#[derive(Debug)]
struct ToolSlot {
    block: u32,
    index: u32,
    /// Whether any argument text was sent; if not, `{}` is sent when the block stops.
    args_sent: bool,
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
    usage_sent: bool,
    done: bool,
    finish_reason: Option<&'static str>,
    usage: Option<Usage>,
    text: String,
    tools: Vec<ToolSlot>,
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
            usage_sent: false,
            done: false,
            finish_reason: None,
            usage: None,
            text: String::new(),
            tools: Vec::new(),
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
                    let index = self.tool_index(e.content_block_index);
                    self.first_content = true;
                    self.emit_tool(out, index, Some(&start.tool_use_id), Some(&start.name), "")?;
                }
            }
            ConverseStreamEvent::ContentBlockDelta(e) => match e.delta {
                ContentBlockDelta::Text(text) if !text.is_empty() => {
                    self.ensure_role(out)?;
                    self.first_content = true;
                    self.emit_text(out, &text)?;
                    self.text.push_str(&text);
                }
                ContentBlockDelta::ToolUse(delta) if !delta.input.is_empty() => {
                    self.ensure_role(out)?;
                    let index = self.tool_index(e.content_block_index);
                    self.first_content = true;
                    self.emit_tool(out, index, None, None, &delta.input)?;
                    if let Some(slot) = self.tools.iter_mut().find(|s| s.index == index) {
                        slot.args_sent = true;
                    }
                }
                // Reasoning and citations have no place in this API yet.
                _ => {}
            },
            ConverseStreamEvent::ContentBlockStop(e) => {
                let pending = self
                    .tools
                    .iter()
                    .find(|s| s.block == e.content_block_index && !s.args_sent)
                    .map(|s| s.index);
                if let Some(index) = pending {
                    self.emit_tool(out, index, None, None, "{}")?;
                    if let Some(slot) = self.tools.iter_mut().find(|s| s.index == index) {
                        slot.args_sent = true;
                    }
                }
            }
            ConverseStreamEvent::MessageStop(e) => {
                self.ensure_role(out)?;
                let reason = finish_reason(&e.stop_reason);
                self.finish_reason = Some(reason);
                self.stopped = true;
                self.emit_finish(out, reason)?;
            }
            ConverseStreamEvent::Metadata(e) => {
                self.usage = Some(usage_from_bedrock(&e.usage));
                // The usage chunk is OpenAI's last chunk; if metadata came early, wait.
                if self.stopped {
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

    /// The upstream body ended. A complete answer gets its usage chunk (if asked for and not
    /// yet sent) and `data: [DONE]`; a truncated one gets an error event and no `[DONE]`, so
    /// the client cannot mistake it for a whole answer.
    pub fn finish(&mut self, out: &mut BytesMut) {
        if self.done {
            return;
        }
        self.done = true;
        if self.stopped {
            // Serializing our own chunk types cannot fail; the usage chunk is best effort.
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

    /// Whether any text or tool call reached the client (a retry is no longer invisible).
    pub fn first_content_seen(&self) -> bool {
        self.first_content
    }

    /// OpenAI's finish reason, once `messageStop` has arrived.
    pub fn finish_reason(&self) -> Option<&str> {
        self.finish_reason
    }

    /// The output text so far, for payload logging.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the stream has ended (with `[DONE]` or an error event).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The dense 0-based tool-call index of a content block, assigned on first sight.
    fn tool_index(&mut self, block: u32) -> u32 {
        if let Some(slot) = self.tools.iter().find(|s| s.block == block) {
            return slot.index;
        }
        let index = u32::try_from(self.tools.len()).unwrap_or(u32::MAX);
        self.tools.push(ToolSlot {
            block,
            index,
            args_sent: false,
        });
        index
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
                tool_calls: None,
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

    fn emit_finish(&self, out: &mut BytesMut, reason: &'static str) -> Result<(), String> {
        match self.format {
            StreamFormat::Chat => {
                let mut choice = ChunkChoice::delta(Delta::default());
                choice.finish_reason = Some(Cow::Borrowed(reason));
                self.emit_chat(out, vec![choice], None)
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
            StreamFormat::Chat => self.emit_chat(out, Vec::new(), Some(usage)),
            StreamFormat::Completion => self.emit_completion(out, Vec::new(), Some(usage)),
        }
    }

    fn emit_delta(&self, out: &mut BytesMut, delta: Delta<'_>) -> Result<(), String> {
        self.emit_chat(out, vec![ChunkChoice::delta(delta)], None)
    }

    fn emit_chat(
        &self,
        out: &mut BytesMut,
        choices: Vec<ChunkChoice<'_>>,
        usage: Option<Usage>,
    ) -> Result<(), String> {
        let mut chunk =
            ChatCompletionChunk::new(&self.meta.id, self.meta.created, &self.meta.model, choices);
        chunk.usage = usage;
        sse::write_json(out, &chunk).map_err(|e| format!("could not encode a chunk: {e}"))
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
