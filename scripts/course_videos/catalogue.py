"""Every video the curricula have, in the order they are made."""

from scripts.course_videos.cnc_laser import contour_video, face_milling_video, nesting_video, plate_cut_video
from scripts.course_videos.logistics import abc_video, warehouse_video
from scripts.course_videos.welding import butt_weld_video, torch_angles_video

VIDEOS = [contour_video, face_milling_video, plate_cut_video, nesting_video, butt_weld_video, torch_angles_video,
          warehouse_video, abc_video]
