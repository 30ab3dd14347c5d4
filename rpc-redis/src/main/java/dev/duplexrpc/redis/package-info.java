/**
 * {@link dev.duplexrpc.redis.RedisBackplane}: the cluster backplane of a Duplex RPC server on
 * Redis. Arguments are never null unless documented otherwise.
 */
package dev.duplexrpc.redis;
