"""Names vulture (the dead-code check of ``build.py test``'s lint step) cannot see used.

Each line below "uses" a name, so vulture stops reporting it everywhere; keep the list to names
that are read by something vulture cannot follow, grouped by that something. Blender's own entry
points (``register``, ``bl_*``, ``poll``/``execute``/``invoke``/``draw``…) and pytest's are ignored
by pattern in pyproject.toml ([tool.vulture]). Not imported by anything; ruff checks it like any file.
"""

# ruff: noqa: B018, F821 - a whitelist is bare names and attribute reads, by design

# --- RNA properties written from Python: Blender reads them (objects, scenes, preferences, UI)
_.active_color_name
_.active_section
_.addon_search
_.attribute_name
_.camera
_.clip_end
_.clipboard
_.color_depth
_.color_mode
_.custom_directory
_.device
_.display_size
_.display_type
_.empty_display_type
_.energy
_.mid_level
_.resolution_x
_.resolution_y
_.scale_y
_.segments
_.show_region_ui
_.smooth
_.ui_type
_.use_custom_directory
_.use_nla
_.use_online_access
_.use_save_prompt
_.use_smooth
_.vector
_.view_transform

# --- bpy property annotations read by name (getattr(form, f"{view}_path"), the dialogs' fields)
front_path
left_path
back_path
right_path
front_image
back_image
right_image
front_image_name
left_image_name
back_image_name
right_image_name
views_from_image
style_image_path

# --- the SDK-compatible client: parameters sent through locals(), aliases and enum members
#     that are public API (tripo3d's names), and the fields of its data models
BASE_URL
get_tasks
image_seed
texture_seed
aspect_ratio
output_format
process_res
text_prompt
image_prompt
style_image
delight
bake_animation
segmentation_granularity
ref_image
split_by_connectivity
completion_mode
draft_model_task_id
block_size
IDLE, DIVE, CLIMB, JUMP, SLASH, SHOOT, HURT, FALL, TURN  # Animation
PERSON_TO_CARTOON, ANIMAL_VENOM, OBJECT_CLAY, OBJECT_STEAMPUNK, OBJECT_CHRISTMAS, OBJECT_BARBIE  # ModelStyle
GOLD, ANCIENT_BRONZE, LEGO, VOXEL, VORONOI, MINECRAFT  # ModelStyle, PostStyle
HEXAPOD, OCTOPOD, AVIAN, SERPENTINE, AQUATIC  # RigType
BANNED, EXPIRED  # TaskStatus
base_model
generated_image_url
left_view_url
back_view_url
right_view_url
rendered_video_url
splat_url
expires_in

# --- the console's `tripo` API (README: `fox.generate_again().wait()`)
_.generate_again

# --- the standard library calls these by name (http.server, socketserver, zipfile)
_.log_message
_.handle_error
_.date_time_string
_.close_connection
_.compress_type
daemon_threads
request_queue_size
protocol_version
disable_nagle_algorithm
wbufsize
do_DELETE, do_HEAD, do_PATCH, do_POST, do_PUT

# --- pytest: a fixture that another fixture requests for its effect
without_dev_addon
