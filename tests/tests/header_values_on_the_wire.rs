#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Checklist N3 on the wire: a header value a user supplies either fails with a typed error
//! before anything is sent, or arrives at a raw loopback server, which parses the request
//! head, exactly once and byte for byte (so a CR, LF or NUL can never start a header of its
//! own). The sans-IO half of the property is `properties.rs::n3_header_values_are_rejected_or_exact`.

use std::sync::{Arc, Mutex};

use auth_sdk::{Error, RetryPolicy, coolset};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use tokio::io::AsyncWriteExt as _;

mod common;
use common::endpoints::note;
use common::{loopback, raw, read_head};

/// `{"ok":true}`, closing the connection so every request arrives on its own.
const OK_CLOSE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}";

/// Arbitrary text, biased toward control characters, whitespace and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\t\r\n\0\u{7f}]{0,16}",
        "[\u{80}-\u{10ffff} \t]{0,6}",
        prop::sample::select(vec![
            "",
            " ",
            " x ",
            "\t",
            "a\r\nx-evil: 1",
            "a\nb",
            "a\rb",
            "a\0b",
            "\u{7f}",
            "é",
            "x-note: two",
        ])
        .prop_map(str::to_owned),
    ]
}

/// The values of every `x-note` line in a raw request head, as sent.
fn x_note_values(head: &[u8]) -> Vec<Vec<u8>> {
    let end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(head.len());
    head[..end]
        .split(|b| *b == b'\n')
        .skip(1) // the request line
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter_map(|line| {
            let colon = line.iter().position(|b| *b == b':')?;
            let (name, rest) = line.split_at(colon);
            name.eq_ignore_ascii_case(b"x-note").then(|| {
                let value = &rest[1..];
                value.strip_prefix(b" ").unwrap_or(value).to_vec()
            })
        })
        .collect()
}

#[test]
fn n3_user_header_values_arrive_once_and_exactly_or_not_at_all() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let heads: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let recorded = Arc::clone(&heads);
    let server = rt.block_on(raw(move |mut s, _| {
        let recorded = Arc::clone(&recorded);
        async move {
            let head = read_head(&mut s).await;
            recorded.lock().unwrap().push(head);
            let _ = s.write_all(OK_CLOSE).await;
            let _ = s.shutdown().await;
        }
    }));
    let client: coolset::Client = loopback(
        server.base(),
        coolset::Credentials::new().with_api_token("cs_test_n3"),
    )
    .retry(RetryPolicy::disabled())
    .build()
    .unwrap();

    let mut runner = TestRunner::new(ProptestConfig {
        cases: 192,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&text(), |value| {
            let has_control = value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f);
            let accepts = server.accepts();
            let sent_before = heads.lock().unwrap().len();
            let result = rt.block_on(client.send(note::Request::new(value.clone())));
            match result {
                Err(Error::InvalidInput(e)) => {
                    prop_assert!(has_control, "{:?} rejected: {}", value, e);
                    prop_assert_eq!(e.field, "note");
                    prop_assert_eq!(
                        server.accepts(),
                        accepts,
                        "a rejected value opened a connection"
                    );
                }
                Err(other) => return Err(TestCaseError::fail(format!("{value:?}: {other:?}"))),
                Ok(answer) => {
                    prop_assert!(!has_control, "{:?} was sent", value);
                    prop_assert!(answer.ok);
                    let heads = heads.lock().unwrap();
                    prop_assert_eq!(heads.len(), sent_before + 1);
                    let values = x_note_values(&heads[sent_before]);
                    prop_assert_eq!(
                        values.len(),
                        1,
                        "{:?}",
                        String::from_utf8_lossy(&heads[sent_before])
                    );
                    prop_assert_eq!(&values[0], value.as_bytes());
                }
            }
            Ok(())
        })
        .unwrap();
    eprintln!(
        "[n3] {} requests arrived, {} connections",
        heads.lock().unwrap().len(),
        server.accepts()
    );
}
