//! `GET …/videos/{id}/content`: the MP4 Bedrock wrote to `{video_output_s3_uri}/{invocation
//! id}/output.mp4`, fetched with an S3-signed GetObject and relayed frame by frame (never
//! held whole). Path style on `AWS_ENDPOINT_URL_S3` or the emulator, else AWS's
//! virtual-hosted `https://{bucket}.s3.{region}.amazonaws.com/{key}`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use quarry_bedrock::error::BedrockError;
use quarry_bedrock::sign::{sign_s3, UNSIGNED_PAYLOAD};

use super::{arn_of, output_s3_uri};
use crate::bedrock::{read_body, MAX_ERROR_BODY};
use crate::body::RespBody;
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;
use crate::upstream;

/// S3 key characters sent as they are: unreserved and `/` (S3 signs the path as sent).
const KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

pub(super) async fn download(
    state: &State,
    route: &RouteRuntime,
    id: &str,
    record: &mut Record,
) -> Result<Response<RespBody>, GatewayError> {
    let arn = arn_of(id)?;
    let invocation_id = arn.rsplit('/').next().unwrap_or_default();
    let (bucket, key) = output_location(output_s3_uri(route)?, invocation_id).ok_or_else(|| {
        GatewayError::new(
            Kind::UpstreamConfig,
            format!("route '{}' has an invalid video_output_s3_uri", route.name),
        )
    })?;
    let region = route.region.clone().ok_or_else(|| {
        GatewayError::new(
            Kind::UpstreamConfig,
            format!(
                "route '{}' has no AWS region: set config.model.options.bedrock.aws_region or AWS_REGION",
                route.name
            ),
        )
    })?;
    let encoded_key = utf8_percent_encode(&key, KEY).to_string();
    let url = match &route.s3_url {
        Some(base) => format!("{base}/{}/{encoded_key}", utf8_percent_encode(&bucket, KEY)),
        None => format!("https://{bucket}.s3.{region}.amazonaws.com/{encoded_key}"),
    };
    let response = get_object(state, route, &url, &region).await?;
    let status = response.status();
    if status == http::StatusCode::NOT_FOUND {
        let _ = read_body(response.into_body(), MAX_ERROR_BODY, route.read_timeout).await;
        return Err(GatewayError::upstream(BedrockError {
            status: 404,
            code: "ResourceNotFoundException".into(),
            message: "The video has no content yet: it is not completed, failed, or its output \
                      was removed from S3."
                .into(),
        }));
    }
    if !status.is_success() {
        let body = read_body(response.into_body(), MAX_ERROR_BODY, route.read_timeout)
            .await
            .unwrap_or_default();
        let code = xml_tag(&body, "Code").unwrap_or("S3Error");
        return Err(GatewayError::new(
            Kind::UpstreamConfig,
            format!(
                "S3 refused to read the video (HTTP {}, {code}): check the route's credentials \
                 and video_output_s3_uri",
                status.as_u16()
            ),
        ));
    }
    record.response_model = route.plugin.model.name.clone().unwrap_or_default();
    let length = response.headers().get(header::CONTENT_LENGTH).cloned();
    let mut answer = Response::new(Relay(response.into_body()).boxed_unsync());
    let headers = answer.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    Ok(answer)
}

/// `s3://bucket/prefix` and the invocation ID → bucket and `prefix/{id}/output.mp4`.
fn output_location(s3_uri: &str, invocation_id: &str) -> Option<(String, String)> {
    let rest = s3_uri.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() || invocation_id.is_empty() {
        return None;
    }
    let prefix = prefix.trim_end_matches('/');
    let key = if prefix.is_empty() {
        format!("{invocation_id}/output.mp4")
    } else {
        format!("{prefix}/{invocation_id}/output.mp4")
    };
    Some((bucket.to_owned(), key))
}

async fn get_object(
    state: &State,
    route: &RouteRuntime,
    url: &str,
    region: &str,
) -> Result<Response<Incoming>, GatewayError> {
    let credentials = route.credentials.credentials.as_ref().ok_or_else(|| {
        GatewayError::new(
            Kind::UpstreamConfig,
            format!("route '{}' has no AWS credentials", route.name),
        )
    })?;
    let authority = quarry_bedrock::endpoint::authority(url)
        .ok_or_else(|| GatewayError::new(Kind::UpstreamConfig, "invalid S3 endpoint URL"))?
        .to_owned();
    let signature = sign_s3("GET", url, credentials, region, SystemTime::now())
        .map_err(|e| GatewayError::new(Kind::Internal, e.to_string()))?;
    let mut request = Request::builder()
        .method(http::Method::GET)
        .uri(url)
        .header(header::HOST, authority)
        .header("x-amz-date", signature.x_amz_date)
        .header("x-amz-content-sha256", UNSIGNED_PAYLOAD)
        .body(Full::new(Bytes::new()))
        .map_err(|e| GatewayError::new(Kind::Internal, format!("bad S3 request: {e}")))?;
    let headers = request.headers_mut();
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&signature.authorization)
            .map_err(|_| GatewayError::new(Kind::Internal, "signature is not a valid header"))?,
    );
    if let Some(token) = signature.security_token {
        let mut value = HeaderValue::from_str(&token).map_err(|_| {
            GatewayError::new(Kind::Internal, "session token is not a valid header")
        })?;
        value.set_sensitive(true);
        headers.insert("x-amz-security-token", value);
    }
    upstream::send(&state.clients[route.client], request, route.read_timeout).await
}

/// The text of the first `<tag>` of a small XML error document.
fn xml_tag<'a>(xml: &'a [u8], tag: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(xml).ok()?;
    let start = text.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = text[start..].find('<')? + start;
    Some(&text[start..end])
}

/// S3's body relayed as it arrives. A read error ends the body early; with the
/// `Content-Length` forwarded, the client sees a truncated download, not a short "success".
struct Relay(Incoming);

impl Body for Relay {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match Pin::new(&mut self.0).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => Poll::Ready(Some(Ok(frame))),
            Poll::Ready(Some(Err(error))) => {
                tracing::warn!(%error, "reading the video from S3 failed mid-body");
                Poll::Ready(None)
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn output_keys_follow_bedrock_layout() {
        assert_eq!(
            output_location("s3://b/out/", "abc").unwrap(),
            ("b".into(), "out/abc/output.mp4".into())
        );
        assert_eq!(
            output_location("s3://b", "abc").unwrap(),
            ("b".into(), "abc/output.mp4".into())
        );
        assert_eq!(output_location("https://b", "abc"), None);
        assert_eq!(
            xml_tag(b"<Error><Code>AccessDenied</Code></Error>", "Code"),
            Some("AccessDenied")
        );
    }
}
