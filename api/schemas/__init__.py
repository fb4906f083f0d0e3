"""marshmallow schemas: requests are strict (unknown fields rejected), responses plain."""
