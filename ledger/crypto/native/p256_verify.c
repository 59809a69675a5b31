/*
 * P-256 ECDSA verification straight through OpenSSL's ECDSA_verify, for the `node` crypto provider.
 *
 * Why: node:crypto's one-shot verify builds an EVP_MD_CTX and an EVP_PKEY_CTX and fetches the
 * algorithm from OpenSSL 3's provider on every call; on this host that is 4-7 us of a 55-60 us
 * verify, and a committer spends most of its CPU in P-256 verification. This binding calls the same
 * OpenSSL that node itself links (its symbols resolve against node's own libcrypto at load time;
 * nothing is linked here), with the public key parsed once into an EC_KEY.
 *
 * Semantics are OpenSSL's ECDSA_verify over SHA-256(message): a strict-DER signature with r, s in
 * [1, n-1]. Fabric's low-S rule is checked by the caller, exactly as for node:crypto.
 *
 * API (N-API, context-aware, so every worker thread can load it):
 *   publicKey(point: Uint8Array) -> external | null   (65-byte uncompressed SEC1 point on P-256)
 *   verify(key: external, message: Uint8Array, derSignature: Uint8Array) -> boolean
 *   opensslVersionNumber() -> number                  (OpenSSL_version_num() of the OpenSSL it runs on)
 *   headerVersionNumber() -> number                   (OPENSSL_VERSION_NUMBER it was compiled against)
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <stddef.h>

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* The bytes of a Uint8Array argument (Buffer included); 0 when it is not one. */
static int uint8_bytes(napi_env env, napi_value value, const unsigned char **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok || type != napi_uint8_array) return 0;
  /* A zero-length view may report no data pointer: give OpenSSL a valid one. */
  static const unsigned char empty = 0;
  *data = raw != NULL ? (const unsigned char *)raw : &empty;
  return 1;
}

static void free_key(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  EC_KEY_free((EC_KEY *)data);
}

static napi_value public_key(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return throw_type_error(env, "publicKey(point)");
  const unsigned char *point;
  size_t length;
  if (!uint8_bytes(env, argv[0], &point, &length)) return throw_type_error(env, "publicKey: point must be a Uint8Array");
  napi_value result;
  EC_KEY *key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
  const unsigned char *cursor = point;
  /* o2i_ECPublicKey decodes the point and checks that it lies on the curve. */
  if (key == NULL || length != 65 || point[0] != 0x04 || o2i_ECPublicKey(&key, &cursor, (long)length) == NULL) {
    EC_KEY_free(key);
    napi_get_null(env, &result);
    return result;
  }
  if (napi_create_external(env, key, free_key, NULL, &result) != napi_ok) {
    EC_KEY_free(key);
    return NULL;
  }
  return result;
}

static napi_value verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return throw_type_error(env, "verify(key, message, signature)");
  napi_valuetype kind;
  void *key = NULL;
  if (napi_typeof(env, argv[0], &kind) != napi_ok || kind != napi_external || napi_get_value_external(env, argv[0], &key) != napi_ok || key == NULL) {
    return throw_type_error(env, "verify: key must come from publicKey()");
  }
  const unsigned char *message, *signature;
  size_t message_length, signature_length;
  if (!uint8_bytes(env, argv[1], &message, &message_length) || !uint8_bytes(env, argv[2], &signature, &signature_length)) {
    return throw_type_error(env, "verify: message and signature must be Uint8Arrays");
  }
  int ok = 0;
  if (signature_length <= 72) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(message, message_length, digest);
    ok = ECDSA_verify(0, digest, SHA256_DIGEST_LENGTH, signature, (int)signature_length, (EC_KEY *)key) == 1;
  }
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

static napi_value openssl_version_number(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, (double)OpenSSL_version_num(), &result);
  return result;
}

static napi_value header_version_number(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, (double)OPENSSL_VERSION_NUMBER, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
    {"publicKey", NULL, public_key, NULL, NULL, NULL, napi_default, NULL},
    {"verify", NULL, verify, NULL, NULL, NULL, napi_default, NULL},
    {"opensslVersionNumber", NULL, openssl_version_number, NULL, NULL, NULL, napi_default, NULL},
    {"headerVersionNumber", NULL, header_version_number, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}
