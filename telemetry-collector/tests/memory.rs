//! What a hostile megabyte costs the collector: its peak resident memory (VmHWM) grows by at most 32 × the
//! body's size, whatever the body's shape.

mod support;

use serde_json::json;
use support::*;

/// The collector's peak resident memory, in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// A batch of `count` copies of `envelope`, padded with spaces to exactly 1 MiB minus a little.
fn megabyte(id: &str, envelope: &str) -> Vec<u8> {
    let target = (1 << 20) - 64;
    let count = (target - 64) / (envelope.len() + 1);
    let mut body = batch_body(id, &vec![envelope.to_owned(); count.min(1_000)]).into_bytes();
    body.resize(target, b' ');
    body
}

#[cfg(target_os = "linux")]
#[test]
fn a_hostile_megabyte_costs_at_most_32_times_its_size() {
    let dir = temp_dir("memory");
    let collector = start(&dir, &[]);
    let pid = collector.child.id();
    // Warm up with valid batches, so the baseline includes the normal working set.
    for n in 0..20 {
        let ten = acme_envelopes(&acme_header());
        assert_eq!(post(collector.addr, batch_body(&batch_id(n), &ten).as_bytes()).status, 200);
    }
    let baseline = peak_rss(pid);
    let valid: serde_json::Value = serde_json::from_str(&acme_envelopes(&acme_header())[0]).unwrap();
    let wide_object = {
        let mut envelope = valid.clone();
        for k in 0..40 {
            envelope["payload"][format!("unknown_{k}")] = json!(k);
        }
        envelope.to_string()
    };
    let long_array = {
        let mut envelope = valid.clone();
        envelope["payload"]["os"] = json!(vec![0; 400]);
        envelope.to_string()
    };
    let nested = {
        let mut envelope = valid.clone();
        envelope["payload"]["arch"] = json!([[[[[[{"a": [1, 2, 3]}]]]]]]);
        envelope.to_string()
    };
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("many unknown keys", megabyte(&batch_id(100), &wide_object)),
        ("long arrays", megabyte(&batch_id(101), &long_array)),
        ("deep nesting", megabyte(&batch_id(102), &nested)),
        ("tiny values", megabyte(&batch_id(103), "[[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[]]")),
        ("one huge envelope", {
            let mut envelope = valid.clone();
            envelope["payload"]["os"] = json!(vec![0; 500_000]);
            let mut body = batch_body(&batch_id(104), &[envelope.to_string()]).into_bytes();
            body.truncate(1 << 20);
            body
        }),
        ("one huge string", megabyte(&batch_id(105), &format!("\"{}\"", "x".repeat(900_000)))),
    ];
    let mut worst = 0.0f64;
    for (name, body) in &bodies {
        let before = peak_rss(pid);
        // Several times, so a cost that piles up would show.
        for _ in 0..3 {
            let response = post(collector.addr, body);
            assert!(response.status < 500, "{name}: {}", response.status);
        }
        let after = peak_rss(pid);
        let ratio = after.saturating_sub(baseline) as f64 / body.len() as f64;
        println!(
            "{name}: {} bytes, peak RSS {:.1} MiB → {:.1} MiB ({ratio:.1} × the body over the warmed-up baseline)",
            body.len(),
            before as f64 / 1048576.0,
            after as f64 / 1048576.0
        );
        worst = worst.max(ratio);
    }
    assert!(worst <= 32.0, "a hostile megabyte cost {worst:.1} × its size");
    println!("worst: {worst:.1} × (baseline {:.1} MiB)", baseline as f64 / 1048576.0);
}
