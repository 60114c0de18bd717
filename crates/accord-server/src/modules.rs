//! What a process runs, as one dependency table (the way Grafana Loki's module manager
//! does it): each service is a module, each needs some others started first, and
//! `--services all` is just every service. [`plan`] orders what a process needs.

use std::collections::BTreeSet;

use accord_edge::route::Service;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    /// Storage, bus and shared state, opened from the config.
    Backends,
    /// Publishes the transactional outbox of the services that write.
    Relay,
    /// Records this process in the cluster registry and keeps the list of the others.
    Registry,
    Auth,
    Users,
    Guilds,
    Chat,
    Media,
    Presence,
    Voice,
    Gateway,
    /// The public port's limits and forwarding.
    Edge,
}

/// Each module and what must run before it. No cycles (a test checks).
pub const DEPENDENCIES: &[(Module, &[Module])] = &[
    (Module::Backends, &[]),
    (Module::Relay, &[Module::Backends]),
    (Module::Registry, &[Module::Backends]),
    (Module::Auth, &[Module::Backends, Module::Relay, Module::Registry]),
    (Module::Users, &[Module::Backends, Module::Relay, Module::Registry]),
    (Module::Guilds, &[Module::Backends, Module::Relay, Module::Registry]),
    (Module::Chat, &[Module::Backends, Module::Relay, Module::Registry]),
    (Module::Media, &[Module::Backends, Module::Registry]),
    (Module::Presence, &[Module::Backends, Module::Registry]),
    (Module::Voice, &[Module::Backends, Module::Registry]),
    (Module::Gateway, &[Module::Backends, Module::Registry]),
    (Module::Edge, &[Module::Backends, Module::Registry]),
];

impl Module {
    pub fn of(service: Service) -> Module {
        match service {
            Service::Edge => Module::Edge,
            Service::Auth => Module::Auth,
            Service::Users => Module::Users,
            Service::Guilds => Module::Guilds,
            Service::Chat => Module::Chat,
            Service::Media => Module::Media,
            Service::Presence => Module::Presence,
            Service::Voice => Module::Voice,
            Service::Gateway => Module::Gateway,
        }
    }

    fn dependencies(self) -> &'static [Module] {
        DEPENDENCIES.iter().find(|(m, _)| *m == self).map_or(&[], |(_, deps)| deps)
    }
}

/// The modules `services` need, each after its dependencies.
pub fn plan(services: &BTreeSet<Service>) -> Vec<Module> {
    fn visit(module: Module, out: &mut Vec<Module>, path: &mut Vec<Module>) {
        if out.contains(&module) {
            return;
        }
        assert!(!path.contains(&module), "dependency cycle through {module:?}");
        path.push(module);
        for dependency in module.dependencies() {
            visit(*dependency, out, path);
        }
        path.pop();
        out.push(module);
    }
    let mut out = Vec::new();
    for service in services {
        visit(Module::of(*service), &mut out, &mut Vec::new());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(services: &[Service]) -> BTreeSet<Service> {
        services.iter().copied().collect()
    }

    #[test]
    fn every_module_comes_after_its_dependencies_and_the_table_has_no_cycles() {
        let all = plan(&set(&Service::ALL));
        for (index, module) in all.iter().enumerate() {
            for dependency in module.dependencies() {
                assert!(all[..index].contains(dependency), "{dependency:?} before {module:?}");
            }
        }
        assert_eq!(all.len(), DEPENDENCIES.len(), "all services need every module");
    }

    #[test]
    fn a_gateway_node_runs_no_relay_and_no_other_service() {
        assert_eq!(plan(&set(&[Service::Gateway])), [Module::Backends, Module::Registry, Module::Gateway]);
        assert!(plan(&set(&[Service::Chat])).contains(&Module::Relay));
    }
}
