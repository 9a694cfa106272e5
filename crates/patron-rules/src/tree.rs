//! Trees of named nodes (customer groups, territories, item groups): display order with depth,
//! the subtree under a node, and the check that stops a node from moving under itself.

use std::collections::HashMap;

/// One node: id, parent, name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Id.
    pub id: i64,
    /// Parent, none for a root.
    pub parent_id: Option<i64>,
    /// Name (siblings are ordered by it).
    pub name: String,
}

/// The nodes in display order with their depth: parents before children, siblings by name.
/// Nodes whose parent is missing are treated as roots, so nothing is ever hidden.
pub fn display_order(nodes: &[Node]) -> Vec<(usize, usize)> {
    let known: std::collections::HashSet<i64> = nodes.iter().map(|n| n.id).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let parent = node
            .parent_id
            .filter(|p| known.contains(p) && *p != node.id);
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| {
            nodes[*a]
                .name
                .to_lowercase()
                .cmp(&nodes[*b].name.to_lowercase())
        });
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut seen = vec![false; nodes.len()];
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|i| (*i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        out.push((i, depth));
        if let Some(kids) = children.get(&Some(nodes[i].id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    // A cycle that the database let through would leave nodes unreached: show them as roots.
    out.extend((0..nodes.len()).filter(|i| !seen[*i]).map(|i| (i, 0)));
    out
}

/// Whether giving `id` the parent `new_parent` would put it under itself.
pub fn would_cycle(nodes: &[Node], id: i64, new_parent: Option<i64>) -> bool {
    let parents: HashMap<i64, Option<i64>> = nodes.iter().map(|n| (n.id, n.parent_id)).collect();
    let mut current = new_parent;
    let mut steps = 0;
    while let Some(node) = current {
        if node == id || steps > nodes.len() {
            return true;
        }
        current = parents.get(&node).copied().flatten();
        steps += 1;
    }
    false
}

/// Rows of a tree (groups, territories, item groups) in display order with their depth, for
/// indented lists and pickers; `node` reads a row's place in the tree.
pub fn in_tree_order<T: Clone>(items: Vec<T>, node: impl Fn(&T) -> Node) -> Vec<(T, usize)> {
    let nodes: Vec<Node> = items.iter().map(&node).collect();
    display_order(&nodes)
        .into_iter()
        .map(|(i, depth)| (items[i].clone(), depth))
        .collect()
}

/// `id` and every node below it.
pub fn subtree(nodes: &[Node], id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        let children: Vec<i64> = nodes
            .iter()
            .filter(|n| n.parent_id == Some(parent) && !out.contains(&n.id))
            .map(|n| n.id)
            .collect();
        out.extend(children);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, name: &str) -> Node {
        Node {
            id,
            parent_id: parent,
            name: name.into(),
        }
    }

    fn sample() -> Vec<Node> {
        vec![
            node(1, None, "All Territories"),
            node(2, Some(1), "North"),
            node(3, Some(1), "East"),
            node(4, Some(2), "Oslo"),
        ]
    }

    #[test]
    fn parents_come_before_children_and_siblings_by_name() {
        let nodes = sample();
        let order: Vec<(&str, usize)> = display_order(&nodes)
            .into_iter()
            .map(|(i, d)| (nodes[i].name.as_str(), d))
            .collect();
        assert_eq!(
            order,
            [
                ("All Territories", 0),
                ("East", 1),
                ("North", 1),
                ("Oslo", 2)
            ]
        );
    }

    #[test]
    fn a_node_cannot_move_under_itself_or_its_children() {
        let nodes = sample();
        assert!(would_cycle(&nodes, 2, Some(4)));
        assert!(would_cycle(&nodes, 2, Some(2)));
        assert!(!would_cycle(&nodes, 4, Some(3)));
        assert!(!would_cycle(&nodes, 2, None));
    }

    #[test]
    fn subtrees_include_every_descendant() {
        let mut ids = subtree(&sample(), 1);
        ids.sort();
        assert_eq!(ids, [1, 2, 3, 4]);
        assert_eq!(subtree(&sample(), 2), [2, 4]);
    }

    #[test]
    fn orphans_and_cycles_are_still_shown() {
        let nodes = vec![
            node(1, Some(2), "A"),
            node(2, Some(1), "B"),
            node(3, Some(99), "C"),
        ];
        assert_eq!(display_order(&nodes).len(), 3);
    }
}
