"""The world cells live in: topologies (lifetui.world.topology), universes that hold cells on one and the
engine that advances them (lifetui.world.universe), and boards, a pattern placed on one (lifetui.world.board)."""
