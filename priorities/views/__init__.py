"""The strategy pages, by area: strategies, their priorities and ambitions, and how a strategy is agreed."""
