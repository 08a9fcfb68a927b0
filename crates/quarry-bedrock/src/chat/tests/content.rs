//! Images, documents and audio in user messages and tool results.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::{converse, refused};

const PNG: &str = "iVBORw0KGgo=";
const PDF: &str = "JVBERi0xLjQK";

fn user(parts: Value) -> Value {
    json!({"messages": [{"role": "user", "content": parts}]})
}

fn image_part(url: &str) -> Value {
    json!({"type": "image_url", "image_url": {"url": url, "detail": "high"}})
}

fn file_part(file: Value) -> Value {
    json!({"type": "file", "file": file})
}

#[test]
fn golden_data_url_images_become_image_blocks() {
    let out = converse(user(json!([
        {"type": "text", "text": "Compare these."},
        image_part(&format!("data:image/png;base64,{PNG}")),
        image_part("data:image/jpeg;base64,/9j/4AAQ"),
        image_part("data:image/jpg;base64,/9j/4AAQ"),
        image_part("data:image/gif;base64,R0lGODlh"),
        image_part("data:image/webp;base64,UklGRg=="),
    ])));
    assert_eq!(
        out,
        json!({"messages": [{"role": "user", "content": [
            {"text": "Compare these."},
            {"image": {"format": "png", "source": {"bytes": PNG}}},
            {"image": {"format": "jpeg", "source": {"bytes": "/9j/4AAQ"}}},
            {"image": {"format": "jpeg", "source": {"bytes": "/9j/4AAQ"}}},
            {"image": {"format": "gif", "source": {"bytes": "R0lGODlh"}}},
            {"image": {"format": "webp", "source": {"bytes": "UklGRg=="}}}
        ]}]})
    );
}

#[test]
fn wrapped_or_unpadded_base64_is_normalised() {
    let out = converse(user(json!([image_part(
        "data:image/png;base64,iVBO\nRw0K\r\nGgo"
    )])));
    assert_eq!(
        out["messages"][0]["content"][0],
        json!({"image": {"format": "png", "source": {"bytes": PNG}}})
    );
    // Schemes and types are case-insensitive.
    let out = converse(user(json!([image_part(&format!(
        "DATA:Image/PNG;BASE64,{PNG}"
    ))])));
    assert_eq!(
        out["messages"][0]["content"][0],
        json!({"image": {"format": "png", "source": {"bytes": PNG}}})
    );
    refused(
        user(json!([image_part("HTTPS://x/y.png")])),
        "messages[0].content[0]",
        "remote image URLs are not fetched by this route; send the image as a data: URL (base64)",
    );
}

#[test]
fn bad_images_are_refused_naming_the_part() {
    let at = "messages[0].content[1]";
    let with = |url: &str| user(json!([{"type": "text", "text": "see"}, image_part(url)]));
    refused(
        with("http://example.com/cat.png"),
        at,
        "remote image URLs are not fetched by this route; send the image as a data: URL (base64)",
    );
    refused(
        with("ftp://example.com/cat.png"),
        at,
        "image_url must be a data: URL (data:image/png;base64,...)",
    );
    refused(
        with("data:image/tiff;base64,AAAA"),
        at,
        "image type 'image/tiff' is not supported; Bedrock accepts png, jpeg, gif and webp images",
    );
    refused(
        with(&format!("data:application/pdf;base64,{PDF}")),
        at,
        "image type 'application/pdf' is not supported; Bedrock accepts png, jpeg, gif and webp \
         images (send documents as 'file' parts)",
    );
    refused(
        with("data:image/png,rawbytes"),
        at,
        "data URL must be base64-encoded (data:<type>;base64,<data>)",
    );
    refused(
        with("data:image/png;base64"),
        at,
        "data URL has no ',' before its data",
    );
    refused(
        with("data:image/png;base64,not base64!"),
        at,
        "image data is not valid base64 (Invalid symbol 32, offset 3.)",
    );
    refused(with("data:image/png;base64,"), at, "image data is empty");
    let big = STANDARD.encode(vec![0u8; 3_932_161]);
    refused(
        with(&format!("data:image/png;base64,{big}")),
        at,
        "image is 3932161 bytes; Bedrock accepts images up to 3.75 MB (3932160 bytes)",
    );
    // Exactly the limit passes.
    let max = STANDARD.encode(vec![0u8; 3_932_160]);
    converse(with(&format!("data:image/png;base64,{max}")));
}

#[test]
fn golden_file_parts_become_named_documents() {
    let out = converse(user(json!([
        {"type": "text", "text": "Summarise both."},
        file_part(json!({"file_data": format!("data:application/pdf;base64,{PDF}"), "filename": "reports/Q3 report_final.v2.pdf"})),
        file_part(json!({"file_data": "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64,UEsDBA==", "filename": "notes.docx"})),
        file_part(json!({"file_data": "data:application/octet-stream;base64,YSxiCjEsMgo=", "filename": "table.csv"})),
        file_part(json!({"file_data": "data:text/markdown;base64,IyBoaQo="})),
        file_part(json!({"file_data": "SGVsbG8=", "filename": "Q3 report final v2.txt"})),
        file_part(json!({"file_data": format!("data:application/pdf;base64,{PDF}"), "filename": "«».pdf"}))
    ])));
    assert_eq!(
        out["messages"][0]["content"],
        json!([
            {"text": "Summarise both."},
            {"document": {"format": "pdf", "name": "Q3 report final v2", "source": {"bytes": PDF}}},
            {"document": {"format": "docx", "name": "notes", "source": {"bytes": "UEsDBA=="}}},
            {"document": {"format": "csv", "name": "table", "source": {"bytes": "YSxiCjEsMgo="}}},
            {"document": {"format": "md", "name": "document-4", "source": {"bytes": "IyBoaQo="}}},
            // Bedrock needs unique names.
            {"document": {"format": "txt", "name": "Q3 report final v2 (2)", "source": {"bytes": "SGVsbG8="}}},
            {"document": {"format": "pdf", "name": "document-6", "source": {"bytes": PDF}}}
        ])
    );
}

#[test]
fn image_files_become_image_blocks() {
    let out = converse(user(json!([file_part(
        json!({"file_data": format!("data:image/png;base64,{PNG}"), "filename": "x.png"})
    )])));
    assert_eq!(
        out["messages"][0]["content"][0],
        json!({"image": {"format": "png", "source": {"bytes": PNG}}})
    );
}

#[test]
fn bad_files_are_refused_naming_the_part() {
    let at = "messages[0].content[0]";
    let with = |file: Value| user(json!([file_part(file)]));
    refused(
        with(json!({"file_id": "file-abc"})),
        at,
        "file_id is not supported: this route has no files API; send the file inline as \
         file_data (a base64 data: URL)",
    );
    refused(
        with(json!({"filename": "a.pdf"})),
        at,
        "a file part needs file_data (a base64 data: URL)",
    );
    refused(
        with(json!("x")),
        at,
        "a file part's 'file' must be an object",
    );
    refused(
        with(json!({"file_data": "data:application/zip;base64,UEsDBA==", "filename": "a.zip"})),
        at,
        "file type 'application/zip' is not supported; Bedrock documents are pdf, csv, doc, \
         docx, xls, xlsx, html, txt or md",
    );
    refused(
        with(json!({"file_data": "UEsDBA==", "filename": "a.zip"})),
        at,
        "file 'a.zip' is not supported; Bedrock documents are pdf, csv, doc, docx, xls, xlsx, \
         html, txt or md",
    );
    refused(
        with(json!({"file_data": "data:application/pdf;base64,%%%"})),
        at,
        "document data is not valid base64 (Invalid symbol 37, offset 0.)",
    );
    let big = STANDARD.encode(vec![0u8; 4_718_593]);
    refused(
        with(json!({"file_data": format!("data:application/pdf;base64,{big}")})),
        at,
        "document is 4718593 bytes; Bedrock accepts documents up to 4.50 MB (4718592 bytes)",
    );
}

#[test]
fn wav_and_mp3_audio_become_audio_blocks() {
    let out = converse(user(json!([
        {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
        {"type": "input_audio", "input_audio": {"data": "SUQz", "format": "mp3"}}
    ])));
    assert_eq!(
        out["messages"][0]["content"],
        json!([
            {"audio": {"format": "wav", "source": {"bytes": "UklGRg=="}}},
            {"audio": {"format": "mp3", "source": {"bytes": "SUQz"}}}
        ])
    );
    let at = "messages[0].content[0]";
    refused(
        user(json!([{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "flac"}}])),
        at,
        "input_audio format 'flac' is not supported; send wav or mp3",
    );
    refused(
        user(json!([{"type": "input_audio", "input_audio": {"format": "wav"}}])),
        at,
        "input_audio needs data (base64 of the audio)",
    );
}

#[test]
fn tool_results_carry_images_and_documents() {
    let out = converse(json!({"messages": [
        {"role": "user", "content": "Take a screenshot and fetch the spec."},
        {"role": "assistant", "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "screenshot", "arguments": "{}"}},
            {"id": "c2", "type": "function", "function": {"name": "fetch", "arguments": "{}"}}
        ]},
        {"role": "tool", "tool_call_id": "c1", "content": [
            {"type": "text", "text": "Here it is."},
            image_part(&format!("data:image/png;base64,{PNG}"))
        ]},
        {"role": "tool", "tool_call_id": "c2", "content": [
            file_part(json!({"file_data": format!("data:application/pdf;base64,{PDF}"), "filename": "spec.pdf"}))
        ]}
    ]}));
    assert_eq!(
        out["messages"][2],
        json!({"role": "user", "content": [
            {"toolResult": {"toolUseId": "c1", "content": [
                {"text": "Here it is."},
                {"image": {"format": "png", "source": {"bytes": PNG}}}
            ]}},
            {"toolResult": {"toolUseId": "c2", "content": [
                {"document": {"format": "pdf", "name": "spec", "source": {"bytes": PDF}}}
            ]}}
        ]})
    );
    refused(
        json!({"messages": [
            {"role": "user", "content": "go"},
            {"role": "tool", "tool_call_id": "c", "content": [{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}]}
        ]}),
        "messages[1].content[0]",
        "content part type 'input_audio' is not supported in tool messages; only 'text', \
         'image_url' and 'file' are",
    );
}
