//! `acme`: a realistic SDK that uses the telemetry toolkit, modelled on the telemetry of Next.js, Clerk,
//! Better Auth and SST.
//!
//! Everything it can ever send is in [`events`], one file a privacy reviewer can read top to bottom.

pub mod events;
