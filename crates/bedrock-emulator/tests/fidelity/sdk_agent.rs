//! The agent runtime through the official `aws-sdk-bedrockagentruntime`: Rerank,
//! RetrieveAndGenerate and RetrieveAndGenerateStream (fully consumed); SigV4 only.

use aws_sdk_bedrockagentruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockagentruntime::types::{
    BedrockRerankingConfiguration, BedrockRerankingModelConfiguration,
    KnowledgeBaseRetrieveAndGenerateConfiguration, RerankDocument, RerankDocumentType, RerankQuery,
    RerankQueryContentType, RerankSource, RerankSourceType, RerankTextDocument,
    RerankingConfiguration, RerankingConfigurationType, RetrievalResultLocationType,
    RetrieveAndGenerateConfiguration, RetrieveAndGenerateInput,
    RetrieveAndGenerateStreamResponseOutput, RetrieveAndGenerateType,
};
use aws_sdk_bedrockagentruntime::Client;
use bedrock_emulator::{AuthOutcome, Emulator, EmulatorConfig, FAULT_STREAM_THROTTLE};

use crate::common::{agent_client, emulator};
use crate::wire::{call, Auth};

const RERANK_ARN: &str = "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0";
const HAIKU_ARN: &str =
    "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";

fn text_source(text: &str) -> RerankSource {
    RerankSource::builder()
        .r#type(RerankSourceType::Inline)
        .inline_document_source(
            RerankDocument::builder()
                .r#type(RerankDocumentType::Text)
                .text_document(RerankTextDocument::builder().text(text).build())
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

fn reranking(model_arn: &str, results: Option<i32>) -> RerankingConfiguration {
    RerankingConfiguration::builder()
        .r#type(RerankingConfigurationType::BedrockRerankingModel)
        .bedrock_reranking_configuration(
            BedrockRerankingConfiguration::builder()
                .set_number_of_results(results)
                .model_configuration(
                    BedrockRerankingModelConfiguration::builder()
                        .model_arn(model_arn)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .build()
        .unwrap()
}

fn query(text: &str) -> RerankQuery {
    RerankQuery::builder()
        .r#type(RerankQueryContentType::Text)
        .text_query(RerankTextDocument::builder().text(text).build())
        .build()
        .unwrap()
}

#[tokio::test]
async fn rerank_orders_sources_by_shared_words() {
    let emu = emulator().await;
    let client = agent_client(&emu);
    let output = client
        .rerank()
        .queries(query("best pizza in Naples"))
        .sources(text_source("Sushi from Tokyo"))
        .sources(text_source("Pizza in Naples is the best"))
        .sources(text_source("Naples harbour"))
        .reranking_configuration(reranking(RERANK_ARN, Some(2)))
        .send()
        .await
        .unwrap();
    let results = output.results();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].index(), 1);
    assert_eq!(results[0].relevance_score(), 1.0);
    assert_eq!(results[1].index(), 2);
    assert_eq!(results[1].relevance_score(), 0.25);
    let document = results[0].document().unwrap();
    assert_eq!(
        document.text_document().unwrap().text(),
        Some("Pizza in Naples is the best")
    );
    assert_eq!(emu.requests()[0].operation, "Rerank");
}

#[tokio::test]
async fn rerank_validates_like_bedrock() {
    let emu = emulator().await;
    let client = agent_client(&emu);
    let code = |error: aws_sdk_bedrockagentruntime::error::SdkError<_, _>| {
        let error: aws_sdk_bedrockagentruntime::operation::rerank::RerankError =
            error.into_service_error();
        error.code().unwrap_or_default().to_owned()
    };
    let wrong_model = client
        .rerank()
        .queries(query("q"))
        .sources(text_source("d"))
        .reranking_configuration(reranking(HAIKU_ARN, None))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(wrong_model), "ValidationException");
    let two_queries = client
        .rerank()
        .queries(query("a"))
        .queries(query("b"))
        .sources(text_source("d"))
        .reranking_configuration(reranking(RERANK_ARN, None))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(two_queries), "ValidationException");
}

fn kb_config(model_arn: &str) -> RetrieveAndGenerateConfiguration {
    RetrieveAndGenerateConfiguration::builder()
        .r#type(RetrieveAndGenerateType::KnowledgeBase)
        .knowledge_base_configuration(
            KnowledgeBaseRetrieveAndGenerateConfiguration::builder()
                .knowledge_base_id("KB12345678")
                .model_arn(model_arn)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

fn input(text: &str) -> RetrieveAndGenerateInput {
    RetrieveAndGenerateInput::builder()
        .text(text)
        .build()
        .unwrap()
}

#[tokio::test]
async fn retrieve_and_generate_answers_with_a_citation() {
    let emu = emulator().await;
    let client = agent_client(&emu);
    let output = client
        .retrieve_and_generate()
        .input(input("What is the refund policy?"))
        .retrieve_and_generate_configuration(kb_config(HAIKU_ARN))
        .send()
        .await
        .unwrap();
    let text = "Emulated answer to: What is the refund policy?";
    assert_eq!(output.output().unwrap().text(), text);
    assert_eq!(output.session_id().len(), 36);
    let citation = &output.citations()[0];
    let part = citation
        .generated_response_part()
        .unwrap()
        .text_response_part()
        .unwrap();
    assert_eq!(part.text(), Some(text));
    let span = part.span().unwrap();
    assert_eq!(
        (span.start(), span.end()),
        (Some(0), Some(text.len() as i32 - 1))
    );
    let reference = &citation.retrieved_references()[0];
    assert_eq!(
        reference.content().unwrap().text(),
        "Emulated passage for KB12345678"
    );
    let location = reference.location().unwrap();
    assert_eq!(location.r#type(), &RetrievalResultLocationType::S3);
    assert_eq!(
        location.s3_location().unwrap().uri(),
        Some("s3://emulator-kb/doc1.txt")
    );

    let echoed = client
        .retrieve_and_generate()
        .input(input("again"))
        .session_id("my-session-1")
        .retrieve_and_generate_configuration(kb_config(HAIKU_ARN))
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.session_id(), "my-session-1");
}

async fn consume_stream(
    client: &Client,
    model_arn: &str,
) -> (
    Option<String>,
    Vec<RetrieveAndGenerateStreamResponseOutput>,
    Result<(), String>,
) {
    let mut output = client
        .retrieve_and_generate_stream()
        .input(input("Where is the office?"))
        .retrieve_and_generate_configuration(kb_config(model_arn))
        .send()
        .await
        .unwrap();
    let session = Some(output.session_id().to_owned());
    let mut events = Vec::new();
    loop {
        match output.stream.recv().await {
            Ok(Some(event)) => events.push(event),
            Ok(None) => return (session, events, Ok(())),
            Err(error) => return (session, events, Err(format!("{error:?}"))),
        }
    }
}

#[tokio::test]
async fn retrieve_and_generate_stream_is_fully_consumed() {
    let emu = emulator().await;
    let client = agent_client(&emu);
    let (session, events, end) = consume_stream(&client, HAIKU_ARN).await;
    end.unwrap();
    assert_eq!(session.unwrap().len(), 36);
    let text: String = events
        .iter()
        .filter_map(|e| e.as_output().ok().map(|o| o.text().to_owned()))
        .collect();
    assert_eq!(text, "Emulated answer to: Where is the office?");
    let outputs = events.iter().filter(|e| e.is_output()).count();
    assert_eq!(outputs, 7, "one output event per word");
    let citation = events.iter().find_map(|e| e.as_citation().ok()).unwrap();
    assert_eq!(
        citation.retrieved_references()[0].content().unwrap().text(),
        "Emulated passage for KB12345678"
    );
    assert!(citation.generated_response_part().is_some());

    let (_, events, end) = consume_stream(&client, FAULT_STREAM_THROTTLE).await;
    assert_eq!(events.len(), 1);
    assert!(end.unwrap_err().contains("Throttling"));
}

#[tokio::test]
async fn the_agent_runtime_refuses_bearer_tokens() {
    let emu = Emulator::start(EmulatorConfig {
        bearer_tokens: vec!["ABSKtoken".into()],
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let body = r#"{"input":{"text":"x"},"retrieveAndGenerateConfiguration":{"type":"KNOWLEDGE_BASE","knowledgeBaseConfiguration":{"knowledgeBaseId":"KB1","modelArn":"anthropic.claude-3-haiku-20240307-v1:0"}}}"#;
    let raw = call(
        &emu,
        "/retrieveAndGenerate",
        body,
        Auth::Bearer("ABSKtoken"),
    )
    .await;
    assert_eq!(raw.status.as_u16(), 403);
    assert!(raw
        .header("x-amzn-errortype")
        .unwrap()
        .starts_with("IncompleteSignatureException"));
    let raw = call(&emu, "/retrieveAndGenerate", body, Auth::SigV4).await;
    assert_eq!(raw.status.as_u16(), 200);
    let auths: Vec<AuthOutcome> = emu.requests().into_iter().map(|r| r.auth).collect();
    assert_eq!(
        auths,
        [
            AuthOutcome::Rejected("IncompleteSignatureException".into()),
            AuthOutcome::SigV4Valid
        ]
    );
}
