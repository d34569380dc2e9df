#![doc = include_str!("../../vendor-notes.md")]
