/**
 * ViT pooling as a sealed type: {@link dev.vlt.nn.pool.ClassToken}, {@link dev.vlt.nn.pool.MeanTokens},
 * {@link dev.vlt.nn.pool.GeM}, {@link dev.vlt.nn.pool.GroupGeM} (GGeM), {@link dev.vlt.nn.pool.Attentional}
 * (CoCa's pooler) and {@link dev.vlt.nn.pool.LatentAttention} (timm's and SigLIP's MAP head). Each maps tokens
 * [B, 1 + N, W] (token 0 the class token) to [B, W].
 */
package dev.vlt.nn.pool;
