#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Images and documents: validation and the reply's descriptions.

use base64::engine::general_purpose::{STANDARD as PADDED, STANDARD_NO_PAD};
use serde_json::{json, Value};

use super::super::test_support::{answer, rejection, user};
use super::*;

fn with_blocks(blocks: Value) -> String {
    json!({"messages": [{"role": "user", "content": blocks}]}).to_string()
}

fn png(bytes: &str) -> Value {
    json!({"image": {"format": "png", "source": {"bytes": bytes}}})
}

fn pdf(name: &str) -> Value {
    json!({"document": {"format": "pdf", "name": name, "source": {"bytes": "JVBERi0="}}})
}

#[test]
fn decoded_lengths_match_the_decoder() {
    for data in [&b""[..], b"a", b"ab", b"abc", b"abcd", &[0u8; 68]] {
        let padded = PADDED.encode(data);
        assert_eq!(decoded_len(&padded), data.len());
        let bare = STANDARD_NO_PAD.encode(data);
        assert_eq!(decoded_len(&bare), data.len());
        assert_eq!(BASE64.decode(&bare).unwrap(), data);
    }
}

#[test]
fn document_names_follow_bedrock_rules() {
    for ok in ["report", "Q3 report (final) [v2]", "a-b_c", " lead"] {
        assert!(valid_name(ok), "{ok}");
    }
    for bad in [
        "report.pdf",
        "two  spaces",
        "tab\there",
        "résumé",
        "John's",
        "a\u{3000}b",
    ] {
        assert!(!valid_name(bad), "{bad}");
    }
}

#[test]
fn images_and_documents_are_described_in_order_and_count_one_token() {
    let image = PADDED.encode([7u8; 68]);
    let document = PADDED.encode([1u8; 1234]);
    let reply = answer(json!({"messages": [
        user("earlier"),
        {"role": "assistant", "content": [{"text": "ok"}]},
        {"role": "user", "content": [
            {"text": "describe these"},
            {"image": {"format": "png", "source": {"bytes": image}}},
            {"document": {"format": "pdf", "name": "report", "source": {"bytes": document}}},
        ]},
    ]}));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: describe these [image png 68 bytes] [document report pdf 1234 bytes]"
    );
    // 1 + 1 + 2 words, plus one token per image and document
    assert_eq!(reply.usage.input_tokens, 6);
    assert_eq!(reply.usage.output_tokens, 18);
}

#[test]
fn other_sources_are_described_too() {
    let reply = answer(json!({"messages": [{"role": "user", "content": [
        {"image": {"format": "webp", "source": {"s3Location": {"uri": "s3://bucket/cat.webp"}}}},
        {"document": {"name": "notes", "format": "txt", "source": {"text": "hello"}}},
        {"document": {"name": "My Report (v2)", "source": {"content": [{"text": "ab"}, {"text": "cd"}]}}},
    ]}]}));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: (no text) [image webp s3://bucket/cat.webp] [document notes txt 5 bytes] [document My Report (v2) 4 bytes]"
    );
}

#[test]
fn image_formats_and_bytes_are_checked() {
    let bmp = json!({"image": {"format": "bmp", "source": {"bytes": "iVBORw0KGgo="}}});
    assert_eq!(
        rejection(&with_blocks(json!([{"text": "a"}, bmp]))),
        "1 validation error detected: Value 'bmp' at 'messages.0.member.content.1.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]"
    );
    assert_eq!(
        rejection(&with_blocks(json!([png("")]))),
        "1 validation error detected: Value '' at 'messages.0.member.content.0.member.image.source.bytes' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    assert_eq!(
        rejection(&with_blocks(json!([png("not base64!")]))),
        "Malformed input request: #/messages/0/content/0/image/source/bytes: not valid base64, please reformat your input and try again."
    );
    let sourceless = json!({"image": {"format": "png", "source": {}}});
    assert!(rejection(&with_blocks(json!([sourceless])))
        .contains("#/messages/0/content/0/image/source: exactly one source member must be set"));
    let missing = json!({"image": {"format": "png"}});
    assert!(rejection(&with_blocks(json!([missing]))).starts_with("Malformed input request: "));
}

#[test]
fn document_blocks_are_checked() {
    assert_eq!(
        rejection(&with_blocks(json!([pdf("report.pdf")]))),
        "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character. Check that the file name conforms to these restrictions and retry your request."
    );
    assert!(rejection(&with_blocks(json!([pdf("")])))
        .contains("'messages.0.member.content.0.member.document.name'"));
    assert!(rejection(&with_blocks(json!([pdf(&"a".repeat(201))])))
        .contains("Member must have length less than or equal to 200"));
    let rtf = json!({"document": {"format": "rtf", "name": "a", "source": {"bytes": "JVBERi0="}}});
    assert!(rejection(&with_blocks(json!([rtf])))
        .contains("[pdf, csv, doc, docx, xls, xlsx, html, txt, md]"));
    let nameless = json!({"document": {"format": "pdf", "source": {"bytes": "JVBERi0="}}});
    let message = rejection(&with_blocks(json!([nameless])));
    assert!(
        message.starts_with("Malformed input request: ") && message.contains("name"),
        "{message}"
    );
    let garbage = json!({"document": {"format": "pdf", "name": "a", "source": {"bytes": "%%%"}}});
    assert!(rejection(&with_blocks(json!([garbage]))).contains("not valid base64"));
}
