//! Session-host sizing: sessions per host from the host's vCPUs and the users' workload type,
//! following the session host sizing guidelines (maximum users per vCPU: light 6, medium 4,
//! heavy 2, power 1). An 8-vCPU host thus carries about 48 light, 32 medium or 16 heavy users.

use serde::Deserialize;

/// The workload type of the pool's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserType {
    /// Simple data entry, basic apps: 6 users per vCPU.
    Light,
    /// Office apps, web browsing: 4 users per vCPU.
    Medium,
    /// Heavier apps, software development: 2 users per vCPU.
    Heavy,
    /// Graphics, engineering tools: 1 user per vCPU.
    Power,
}

impl UserType {
    /// Maximum users per vCPU from the sizing guidelines.
    pub fn users_per_vcpu(self) -> u32 {
        match self {
            UserType::Light => 6,
            UserType::Medium => 4,
            UserType::Heavy => 2,
            UserType::Power => 1,
        }
    }
}

/// Sessions per host for `vcpus` vCPUs and users of type `user_type`.
pub fn sessions_per_host(vcpus: u32, user_type: UserType) -> u32 {
    vcpus.saturating_mul(user_type.users_per_vcpu())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eight_vcpu_host_follows_the_guidelines() {
        assert_eq!(sessions_per_host(8, UserType::Light), 48);
        assert_eq!(sessions_per_host(8, UserType::Medium), 32);
        assert_eq!(sessions_per_host(8, UserType::Heavy), 16);
        assert_eq!(sessions_per_host(8, UserType::Power), 8);
    }
}
