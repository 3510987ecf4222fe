"""Constants the tests share."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

MINIMAL = """\
event: orders.OrderPlaced
summary: A customer placed an order.
owner: team-orders
channel: orders
key: order_id
producers: [order-service]
consumers: [email-service]
versions:
  1:
    schema:
      type: object
      additionalProperties: false
      required: [order_id]
      properties:
        order_id: {type: string, description: The order.}
    examples:
      - {order_id: o-1}
"""
