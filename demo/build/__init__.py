"""Turning the demo's data into rows, one module per app whose rows it builds.

Every row is found by its natural key and only saved when a field differs (see `records`), so
building twice with the same `today` changes nothing, not even the audit history. Actions are
written through the delivery services, like every other writer of an Action; risks, their
reviews and the register's releases, indicators and their values through the risks and indicators
services.
"""
