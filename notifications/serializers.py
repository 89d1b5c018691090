from __future__ import annotations

import base64
import binascii

from rest_framework import serializers


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise serializers.ValidationError("Not base64url.") from exc


class PushKeysIn(serializers.Serializer):
    p256dh = serializers.CharField(max_length=128)
    auth = serializers.CharField(max_length=64)

    def validate_p256dh(self, value: str) -> str:
        raw = _b64url_bytes(value)
        if len(raw) != 65 or raw[0] != 4:
            raise serializers.ValidationError("Not an uncompressed P-256 public key.")
        return value

    def validate_auth(self, value: str) -> str:
        if len(_b64url_bytes(value)) != 16:
            raise serializers.ValidationError("Not a 16-byte auth secret.")
        return value


class PushSubscriptionIn(serializers.Serializer):
    endpoint = serializers.CharField(max_length=2048)
    keys = PushKeysIn()


class PushSubscriptionOut(serializers.Serializer):
    id = serializers.UUIDField()
    endpoint = serializers.CharField()
    created_at = serializers.DateTimeField()


class PushSubscriptionListOut(serializers.Serializer):
    results = PushSubscriptionOut(many=True)
    next = serializers.CharField(allow_null=True)


class PushKeyOut(serializers.Serializer):
    public_key = serializers.CharField()
