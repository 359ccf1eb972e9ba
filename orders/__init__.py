"""The order core: shops, members and roles, catalog and stock, orders, payments, fulfillments,
history and the notifications outbox. It imports neither `ingestion` nor `bot`.

    orders.settings   Settings (environment)          orders.db        Base, engines, column types
    orders.models     tables                          orders.uow       UnitOfWork
    orders.domain     rules as data (pure)            orders.services  one function per action
    orders.errors     the exception tree              orders.views     dicts for adapters
    orders.migrate    upgrade()/downgrade() (Alembic) orders.catalog_file  JSON/CSV catalogs
"""
