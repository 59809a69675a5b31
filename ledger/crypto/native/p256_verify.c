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
 * Hot keys (an endorsing peer's key verifies thousands of times) can get a fixed-base table:
 * `precompute(key)` makes a copy of the P-256 group whose generator is the key's point Q and has
 * OpenSSL build its comb table for it (EC_GROUP_precompute_mult: ~150 KB, ~26 ms). Verification is
 * then R = u1*G + u2*Q with both products from tables, x(R) mod n == r, the textbook ECDSA check
 * that ECDSA_verify makes: ~26 us instead of ~51 us on this host. Keys without a table use
 * ECDSA_verify. Which keys get a table, and how many, is the caller's policy.
 *
 * API (N-API, context-aware, so every worker thread can load it):
 *   publicKey(point: Uint8Array) -> external | null   (65-byte uncompressed SEC1 point on P-256)
 *   precompute(key: external) -> boolean             (builds the key's fixed-base table; idempotent)
 *   verify(key: external, message: Uint8Array, derSignature: Uint8Array) -> boolean
 *   opensslVersionNumber() -> number                  (OpenSSL_version_num() of the OpenSSL it runs on)
 *   headerVersionNumber() -> number                   (OPENSSL_VERSION_NUMBER it was compiled against)
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <node_api.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A public key: the EC_KEY, and once precomputed a group whose generator is the key's point. */
typedef struct {
  EC_KEY *key;
  EC_GROUP *table_group;
} p256_key;

/* The standard P-256 group (its generator's table is OpenSSL's built-in one), per thread. */
static _Thread_local EC_GROUP *p256_group = NULL;

static EC_GROUP *standard_group(void) {
  if (p256_group == NULL) p256_group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return p256_group;
}

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
  p256_key *key = (p256_key *)data;
  EC_KEY_free(key->key);
  EC_GROUP_free(key->table_group);
  free(key);
}

/* The call's `count` arguments, the first a key from publicKey(); NULL, with a TypeError thrown, otherwise. */
static p256_key *key_call(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *usage) {
  size_t argc = count;
  napi_valuetype kind;
  void *key = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count || napi_typeof(env, argv[0], &kind) != napi_ok || kind != napi_external ||
      napi_get_value_external(env, argv[0], &key) != napi_ok || key == NULL) {
    throw_type_error(env, usage);
    return NULL;
  }
  return (p256_key *)key;
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
  p256_key *handle = (p256_key *)calloc(1, sizeof(p256_key));
  if (handle == NULL) {
    EC_KEY_free(key);
    return NULL;
  }
  handle->key = key;
  if (napi_create_external(env, handle, free_key, NULL, &result) != napi_ok) {
    free_key(env, handle, NULL);
    return NULL;
  }
  return result;
}

static napi_value precompute(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  p256_key *key = key_call(env, info, 1, argv, "precompute(key): key must come from publicKey()");
  if (key == NULL) return NULL;
  EC_GROUP *standard = standard_group();
  if (key->table_group == NULL && standard != NULL) {
    EC_GROUP *group = EC_GROUP_dup(standard);
    if (group != NULL && EC_GROUP_set_generator(group, EC_KEY_get0_public_key(key->key), EC_GROUP_get0_order(standard), EC_GROUP_get0_cofactor(standard)) == 1 &&
        EC_GROUP_precompute_mult(group, NULL) == 1) {
      key->table_group = group;
    } else {
      EC_GROUP_free(group);
    }
  }
  napi_value result;
  napi_get_boolean(env, key->table_group != NULL, &result);
  return result;
}

/* 1 when r and s are in [1, n-1]. */
static int in_scalar_range(const BIGNUM *value, const BIGNUM *order) {
  return !BN_is_zero(value) && !BN_is_negative(value) && BN_ucmp(value, order) < 0;
}

/*
 * ECDSA verification with both scalar products from fixed-base tables. Returns 1 (valid) or 0;
 * the same verdict as ECDSA_verify: strict DER (re-encoding gives the same bytes), r, s in [1, n-1],
 * R = u1*G + u2*Q not at infinity, x(R) mod n == r.
 */
static int verify_with_table(const p256_key *key, const unsigned char *digest, const unsigned char *signature, size_t signature_length) {
  EC_GROUP *group = standard_group();
  const unsigned char *cursor = signature;
  ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &cursor, (long)signature_length);
  if (sig == NULL || group == NULL) {
    ECDSA_SIG_free(sig);
    return 0;
  }
  int ok = 0;
  unsigned char *der = NULL;
  int der_length = i2d_ECDSA_SIG(sig, &der);
  BN_CTX *ctx = BN_CTX_new();
  EC_POINT *product = EC_POINT_new(group);
  EC_POINT *other = EC_POINT_new(group);
  if (der_length == (int)signature_length && memcmp(der, signature, signature_length) == 0 && ctx != NULL && product != NULL && other != NULL) {
    BN_CTX_start(ctx);
    BIGNUM *e = BN_CTX_get(ctx), *w = BN_CTX_get(ctx), *u1 = BN_CTX_get(ctx), *u2 = BN_CTX_get(ctx), *x = BN_CTX_get(ctx);
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(sig, &r, &s);
    const BIGNUM *order = EC_GROUP_get0_order(group);
    ok = x != NULL && in_scalar_range(r, order) && in_scalar_range(s, order) &&
         BN_bin2bn(digest, SHA256_DIGEST_LENGTH, e) != NULL &&   /* P-256: the whole 256-bit digest */
         BN_mod_inverse(w, s, order, ctx) != NULL &&
         BN_mod_mul(u1, e, w, order, ctx) == 1 && BN_mod_mul(u2, r, w, order, ctx) == 1 &&
         EC_POINT_mul(group, product, u1, NULL, NULL, ctx) == 1 &&
         EC_POINT_mul(key->table_group, other, u2, NULL, NULL, ctx) == 1 &&
         EC_POINT_add(group, product, product, other, ctx) == 1 &&
         !EC_POINT_is_at_infinity(group, product) &&
         EC_POINT_get_affine_coordinates(group, product, x, NULL, ctx) == 1 &&
         BN_nnmod(x, x, order, ctx) == 1 && BN_cmp(x, r) == 0;
    BN_CTX_end(ctx);
  }
  EC_POINT_free(other);
  EC_POINT_free(product);
  BN_CTX_free(ctx);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return ok;
}

static napi_value verify(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  p256_key *key = key_call(env, info, 3, argv, "verify(key, message, signature): key must come from publicKey()");
  if (key == NULL) return NULL;
  const unsigned char *message, *signature;
  size_t message_length, signature_length;
  if (!uint8_bytes(env, argv[1], &message, &message_length) || !uint8_bytes(env, argv[2], &signature, &signature_length)) {
    return throw_type_error(env, "verify: message and signature must be Uint8Arrays");
  }
  int ok = 0;
  if (signature_length <= 72) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(message, message_length, digest);
    if (key->table_group != NULL) ok = verify_with_table(key, digest, signature, signature_length);
    else ok = ECDSA_verify(0, digest, SHA256_DIGEST_LENGTH, signature, (int)signature_length, key->key) == 1;
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
    {"precompute", NULL, precompute, NULL, NULL, NULL, napi_default, NULL},
    {"verify", NULL, verify, NULL, NULL, NULL, napi_default, NULL},
    {"opensslVersionNumber", NULL, openssl_version_number, NULL, NULL, NULL, napi_default, NULL},
    {"headerVersionNumber", NULL, header_version_number, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}
