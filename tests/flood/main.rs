//! The notification listener under a flood of slow connections, in a binary of its own: one test
//! counts the process's file descriptors, which other tests running beside it would disturb.

#[path = "../it/common/mod.rs"]
#[allow(dead_code)] // The flood tests use the notification helpers only.
mod common;

use std::time::Duration;

use cashier::payment::notify_listener::ConnectionLimits;
use cashier::sandbox::CHANGPAY_KEY;
use cashier::status::OrderStatus;
use common::notify::{body, ledger, listener, order, paid_fields};

/// The flood tests run one at a time: one counts the process's descriptors.
static FLOODS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The listener faces the internet: 1,100 connections that send half a request and wait neither
/// exhaust its descriptors nor keep a real notification, sent once their connection limit has
/// passed, from being answered `success` within 2 s. The limits are passed in a tenth of the
/// real ones (the same code), so the test waits 1.5 s, not 15.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_slow_connections_does_not_keep_a_notification_waiting() {
    use tokio::io::AsyncWriteExt;
    let _alone = FLOODS.lock().await;
    let ledger = ledger();
    let order_no = order(&ledger, 1_000);
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = socket.local_addr().expect("addr");
    let limits = ConnectionLimits {
        header: ConnectionLimits::INTERNET.header / 10,
        connection: ConnectionLimits::INTERNET.connection / 10,
    };
    tokio::spawn(cashier::payment::notify_listener::serve_within(
        listener(&ledger),
        socket,
        limits,
    ));
    let fds_before = std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count);
    let mut slow = Vec::new();
    for _ in 0..1_100 {
        let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
            continue;
        };
        let _ = stream
            .write_all(b"POST /notify HTTP/1.1\r\nHost: till\r\nContent-Length: 300\r\n")
            .await;
        slow.push(stream);
    }
    assert!(slow.len() > 1_000, "the flood connected: {}", slow.len());
    let fds_flooded = std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count);
    let listener_fds = fds_flooded.saturating_sub(fds_before + slow.len());
    assert!(
        listener_fds <= cashier::payment::notify_listener::MAX_CONNECTIONS + 16,
        "the listener holds {listener_fds} descriptors"
    );
    tokio::time::sleep(limits.connection).await;
    let started = std::time::Instant::now();
    let answer = reqwest::Client::new()
        .post(format!("http://{addr}/notify"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(&paid_fields(&order_no, "1000"), CHANGPAY_KEY))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("a body");
    let took = started.elapsed();
    assert_eq!(answer, "success");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    let order = ledger.lock().order(&order_no).expect("read").expect("kept");
    assert_eq!(order.status, OrderStatus::Paid);
    drop(slow);
}

/// Issue 20, item 5: 300 slow connections held open (from 20 addresses, 15 each, as a crowd of
/// clients would) while real notifications arrive: every real one is answered `success` at once.
/// Before, the 256-connection table filled and 87 % of legitimate notifications were refused.
/// Also one address alone cannot take more than its share.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_connections_from_many_addresses_never_shut_out_a_real_notification() {
    use tokio::io::AsyncWriteExt;
    let _alone = FLOODS.lock().await;
    let ledger = ledger();
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = socket.local_addr().expect("addr");
    tokio::spawn(cashier::payment::notify_listener::serve_on(
        listener(&ledger),
        socket,
    ));
    let mut slow = Vec::new();
    for host in 2..22u8 {
        for _ in 0..15 {
            let socket = tokio::net::TcpSocket::new_v4().expect("socket");
            socket
                .bind(std::net::SocketAddr::from(([127, 0, 0, host], 0)))
                .expect("a loopback source address");
            let Ok(mut stream) = socket.connect(addr).await else {
                continue;
            };
            let _ = stream
                .write_all(b"POST /notify HTTP/1.1\r\nHost: till\r\nContent-Length: 300\r\n")
                .await;
            slow.push(stream);
        }
    }
    assert_eq!(slow.len(), 300, "the crowd connected");
    let client = reqwest::Client::new();
    let mut answered = 0;
    for n in 0..20 {
        let order_no = order(&ledger, 1_000 + n * 10);
        let started = std::time::Instant::now();
        let answer = client
            .post(format!("http://{addr}/notify"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body(
                &paid_fields(&order_no, &(1_000 + n * 10).to_string()),
                CHANGPAY_KEY,
            ))
            .timeout(Duration::from_secs(3))
            .send()
            .await;
        if let Ok(answer) = answer
            && answer.text().await.is_ok_and(|text| text == "success")
            && started.elapsed() < Duration::from_secs(2)
        {
            answered += 1;
        }
    }
    assert_eq!(answered, 20, "every real notification answered");
    drop(slow);
}
