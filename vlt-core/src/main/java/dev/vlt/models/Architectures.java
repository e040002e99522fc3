package dev.vlt.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.models.albef.AlbefRetrieval;
import dev.vlt.models.albef.AlbefRetrievalConfig;
import dev.vlt.models.albef.AlbefVqa;
import dev.vlt.models.albef.AlbefVqaConfig;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.beit3.Beit3;
import dev.vlt.models.beit3.Beit3Config;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.coca.CocaConfig;
import dev.vlt.models.flava.Flava;
import dev.vlt.models.flava.FlavaConfig;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.models.grounding.TransVg;
import dev.vlt.models.grounding.TransVgConfig;
import dev.vlt.models.grounding.TransVgPlus;
import dev.vlt.models.grounding.TransVgPlusConfig;
import dev.vlt.models.indigo.Indigo;
import dev.vlt.models.indigo.IndigoConfig;
import dev.vlt.models.internvideo.InternVideo;
import dev.vlt.models.internvideo.InternVideoConfig;
import dev.vlt.models.loupe.Loupe;
import dev.vlt.models.loupe.LoupeConfig;
import dev.vlt.models.mae.Mae;
import dev.vlt.models.mae.MaeConfig;
import dev.vlt.models.mov.Mov;
import dev.vlt.models.mov.MovConfig;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.pacl.Pacl;
import dev.vlt.models.pacl.PaclConfig;
import dev.vlt.models.simla.Simla;
import dev.vlt.models.simla.SimlaConfig;
import dev.vlt.models.omnivl.OmniVl;
import dev.vlt.models.omnivl.OmniVlConfig;
import dev.vlt.models.vlc.Vlc;
import dev.vlt.models.vlc.VlcConfig;
import java.util.List;
import java.util.stream.Collectors;

/** The one table of architectures. A new system adds one line here (and its configs to the registry of {@link Models}). */
public final class Architectures {
  public static final String KEY = "arch";

  public static final Architecture CLIP = new Architecture("clip", "CLIP",
      "Radford et al. 2021: an image tower and a causal text tower in one embedding space (open_clip's CLIP)",
      Clip.class, ClipConfig::fromJson, List.of("contrastive", "sigmoid", "pacl", "pacl-unfrozen", "nlip", "unicl", "indigo"));
  public static final Architecture MSCLIP = new Architecture("msclip", "MS-CLIP",
      "You et al. 2022: one transformer shared by images and text, with modality-specific parts",
      MsClip.class, MsClipConfig::fromJson, List.of("contrastive", "sigmoid", "nlip", "unicl"));
  public static final Architecture COCA = new Architecture("coca", "CoCa",
      "Yu et al. 2022: contrastive captioner, a CLIP whose text side also decodes captions from the image (open_clip's CoCa)",
      Coca.class, CocaConfig::fromJson, List.of("coca", "contrastive", "nlip"));

  public static final Architecture ALBEF = new Architecture(AlbefRetrievalConfig.ARCH, "ALBEF",
      "Li et al. 2021: ViT and BERT aligned contrastively, then fused by text-side cross-attention for image-text matching "
          + "(torchmultimodal's ALBEF for retrieval)",
      AlbefRetrieval.class, AlbefRetrievalConfig::fromJson, List.of("albef"));
  public static final Architecture ALBEF_VQA = new Architecture(AlbefVqaConfig.ARCH, "ALBEF-VQA",
      "Li et al. 2021: ALBEF's encoders and an answer decoder that ranks candidate answers (torchmultimodal's ALBEF for VQA)",
      AlbefVqa.class, AlbefVqaConfig::fromJson, List.of("albef-vqa"));

  public static final Architecture METER = new Architecture(MeterConfig.ARCH, "METER",
      "Dou et al. 2022: an image tower and a text tower fused by merged attention, co-attention or text-side "
          + "cross-attention, with matching, answer-classification and masked-language heads over the pooled pair",
      Meter.class, MeterConfig::fromJson, List.of("meter"));

  public static final Architecture PACL = new Architecture("pacl", "PACL",
      "Mukhoti et al. 2023: a CLIP whose patch tokens are embedded to match texts (patch-aligned contrastive learning), "
          + "for open-vocabulary segmentation",
      Pacl.class, PaclConfig::fromJson, List.of("pacl", "pacl-unfrozen"));

  public static final Architecture TRANSVG = new Architecture(TransVgConfig.ARCH, "TransVG",
      "Deng et al. 2021: visual and word tokens and a [REG] token through a fusion transformer; [REG] regresses the box",
      TransVg.class, TransVgConfig::fromJson, List.of("grounding"));
  public static final Architecture TRANSVG_PLUS = new Architecture(TransVgPlusConfig.ARCH, "TransVG++",
      "Deng et al. 2023: a language-conditioned ViT (text cross-attention inside the ViT, [REG] among its tokens) regresses the box",
      TransVgPlus.class, TransVgPlusConfig::fromJson, List.of("grounding"));

  public static final Architecture SIMLA = new Architecture(SimlaConfig.ARCH, "SimLA",
      "Khan et al. 2022: ALBEF's towers aligned at three levels (contrastive and matching, cross-modal reconstruction both "
          + "ways through one fusion, keyword prediction); grounds by Grad-CAM over the fusion's cross-attention",
      Simla.class, SimlaConfig::fromJson, List.of("simla"));
  public static final Architecture LOUPE = new Architecture(LoupeConfig.ARCH, "LOUPE",
      "Li et al. 2022: a CLIP whose patches are players of its own image-phrase similarity; sampled Shapley interactions of "
          + "regions train a region head (and a neural module that predicts them), for zero-shot grounding",
      Loupe.class, LoupeConfig::fromJson, List.of("loupe"));

  public static final Architecture MAE = new Architecture("mae", "MAE",
      "He et al. 2021: masked autoencoder, a ViT encoding a random quarter of the patches and a light decoder predicting "
          + "the pixels of the rest (facebookresearch/mae's MaskedAutoencoderViT); images only",
      Mae.class, MaeConfig::fromJson, List.of("mae"));

  public static final Architecture VLC = new Architecture(VlcConfig.ARCH, "VLC",
      "Gui et al. 2022: ViLT's single-stream transformer over text tokens and image patches, started from an MAE encoder "
          + "(--init-from) and trained from captions with patches dropped (MLM, ITM, masked image modeling through MAE's decoder)",
      Vlc.class, VlcConfig::fromJson, List.of("vlc"));

  public static final Architecture BEIT3 = new Architecture(Beit3Config.ARCH, "BEiT-3",
      "Wang et al. 2023: one Multiway transformer (shared self-attention, vision and language FFN experts chosen by each "
          + "token's modality, a vision-language expert in the top layers for pairs) pretrained by masked data modeling on "
          + "images, texts and pairs, then fine-tuned to embed (ITC) and answer (VQA) with one checkpoint",
      Beit3.class, Beit3Config::fromJson, List.of("beit3", "beit3-multitask"));

  public static final Architecture FLAVA = new Architecture(FlavaConfig.ARCH, "FLAVA",
      "Singh et al. 2022: an image encoder, a text encoder and a multimodal encoder over both (torchmultimodal's "
          + "FLAVAForPreTraining), pretrained by MIM, MLM, masked multimodal modeling, ITM and a global contrastive loss, "
          + "then fine-tuned on ITC + ITM + VQA so one checkpoint embeds, matches and answers; masked-image targets from a "
          + "k-means codebook of patch pixels in place of DALL-E's dVAE",
      Flava.class, FlavaConfig::fromJson, List.of("flava", "flava-multitask"));

  public static final Architecture OMNIVL = new Architecture("omnivl", "OmniVL",
      "Wang et al. 2022: one divided space-time ViT for images and videos with a text tower, trained by UniVLC",
      OmniVl.class, OmniVlConfig::fromJson, List.of("univlc", "contrastive"));

  public static final Architecture INDIGO = new Architecture(IndigoConfig.ARCH, "INDIGO",
      "Mangla et al. 2022: a trainable ViT with a frozen CLIP's image embedding as an extra token, classified by a linear "
          + "head (class token) and against the frozen text tower's class × domain prompts (that token), for domain generalisation",
      Indigo.class, IndigoConfig::fromJson, List.of("indigo"));

  public static final Architecture MOV = new Architecture(MovConfig.ARCH, "MOV",
      "Qian et al. 2022: a video-language model's frozen vision encoder for RGB, fine-tuned copies of it for optical flow and "
          + "the sound's log-mel spectrogram, cross-attention fusion, classified against the frozen text encoder's class names "
          + "(base classes in training, any at test time)",
      Mov.class, MovConfig::fromJson, List.of("mov", "mov-unfrozen"));

  public static final Architecture INTERNVIDEO = new Architecture(InternVideoConfig.ARCH, "InternVideo",
      "Wang et al. 2022: a masked-video-modeling backbone (VideoMAE) and a video-language backbone (video-text contrastive "
          + "with a caption decoder), trained apart, then fused by cross-model attention trained with both frozen",
      InternVideo.class, InternVideoConfig::fromJson, List.of("internvideo", "internvideo-mvm", "internvideo-vl"));

  private static final List<Architecture> ALL = List.of(CLIP, MSCLIP, COCA, ALBEF, ALBEF_VQA, METER, PACL, TRANSVG, TRANSVG_PLUS, SIMLA, LOUPE, MAE,
      VLC, BEIT3, FLAVA, OMNIVL, INDIGO, MOV, INTERNVIDEO);

  private Architectures() {}

  public static List<Architecture> all() {
    return ALL;
  }

  /** The architecture of this name; an error listing the known ones otherwise. */
  public static Architecture get(String name) {
    for (Architecture a : ALL) if (a.name().equals(name)) return a;
    throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
        + ALL.stream().map(Architecture::name).collect(Collectors.joining(", ")));
  }

  /**
   * The architecture of a folder config ({@code {"arch": ..., "model_cfg": ...}}). vlt writes {@code "arch"}; folders
   * written by open_clip (and by vlt before it named architectures) do not, and this is the one place that recognises
   * them: open_clip builds CoCa exactly when {@code multimodal_cfg} is present, vlt's MS-CLIP configs have
   * {@code msclip_cfg}, anything else is CLIP.
   */
  public static Architecture of(JsonNode root) {
    JsonNode named = root.get(KEY);
    if (named != null && !named.isNull()) {
      if (!named.isTextual()) throw ConfigReader.error(KEY, "must be a string naming an architecture, got " + named);
      return get(named.asText());
    }
    JsonNode cfg = root.path("model_cfg");
    if (cfg.hasNonNull("multimodal_cfg")) return COCA;
    if (cfg.has("msclip_cfg")) return MSCLIP;
    return CLIP;
  }
}
