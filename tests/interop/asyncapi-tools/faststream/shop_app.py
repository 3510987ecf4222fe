"""A FastStream app of the example shop, written as FastStream's docs show."""
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

from faststream import FastStream
from faststream.kafka import KafkaBroker


class Money(BaseModel):
    amount: Decimal = Field(..., description="Decimal amount")
    currency: str = Field(..., pattern="^[A-Z]{3}$")


class Line(BaseModel):
    sku: str
    quantity: int = Field(..., ge=1)


class Channel(str, Enum):
    web = "web"
    app = "app"
    store = "store"


class OrderPlaced(BaseModel):
    order_id: str = Field(..., examples=["o-1"])
    placed_at: datetime
    total: Money
    lines: list[Line] = Field(..., min_length=1)
    channel: Channel = Channel.web
    note: str | None = None


class PaymentAuthorized(BaseModel):
    payment_id: str
    order_id: str
    amount: Money
    method: Literal["card", "paypal", "gift_card"]


class OrderPaid(BaseModel):
    order_id: str
    payment_id: str


broker = KafkaBroker("localhost:9092")
app = FastStream(broker)


@broker.subscriber("orders")
async def on_order_placed(order: OrderPlaced) -> None:
    """Reserve stock for a new order."""


@broker.subscriber("payments")
@broker.publisher("orders-paid")
async def on_payment(payment: PaymentAuthorized) -> OrderPaid:
    """Mark the order paid."""
    return OrderPaid(order_id=payment.order_id, payment_id=payment.payment_id)
